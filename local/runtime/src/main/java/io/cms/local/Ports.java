package io.cms.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Checks that the loopback ports CMS Local needs are free before anything starts. */
public final class Ports {

    private Ports() {
    }

    /**
     * Fails with a message naming the service and the option to change it when the port is taken.
     *
     * @param port the port, 0-65535 (checked by {@link CmsLocalSettings}; 0 means "any free port" and always passes)
     * @param service e.g. "MQTT"
     * @param option e.g. "--mqtt-port"
     */
    public static void requireFree(int port, String service, String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " for " + service + " is already in use on 127.0.0.1 "
                    + "(is another CMS Local running?); free it or choose another with " + option + " <port>");
        }
    }

    /** A port that is free right now (for tests and for 0 = "any"). */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
        }
    }
}
