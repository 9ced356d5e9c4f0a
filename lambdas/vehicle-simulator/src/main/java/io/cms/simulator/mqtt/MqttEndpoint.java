package io.cms.simulator.mqtt;

/**
 * Where vehicles connect: an MQTT-over-TLS endpoint and the CA its server certificate chains to.
 *
 * @param host host name or address
 * @param port TLS port
 * @param caPem the trusted CA certificate (PEM)
 */
public record MqttEndpoint(String host, int port, String caPem) {

    /** The Paho server URI. */
    public String uri() {
        return "ssl://" + host + ":" + port;
    }
}
