package io.cms.auth.bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs in a fresh JVM like the Lambda runtime would: load the handler class, construct it, invoke
 * it once with the event from {@code args[1]}, then print the wall-clock time and the result.
 */
public final class ColdStartChild {

    private ColdStartChild() {
    }

    public static void main(String[] args) throws Exception {
        RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(args[1].getBytes(StandardCharsets.UTF_8)), out, null);
        long done = System.currentTimeMillis();
        System.out.println(done + " " + out.toString(StandardCharsets.UTF_8));
    }
}
