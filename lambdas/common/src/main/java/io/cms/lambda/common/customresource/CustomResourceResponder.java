package io.cms.lambda.common.customresource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Delivers a custom-resource answer to CloudFormation's pre-signed URL. */
public interface CustomResourceResponder {

    /** Sends the JSON body; throws if it could not be delivered after retries. */
    void send(String responseUrl, String body) throws IOException;

    /**
     * The real responder: HTTP PUT with an empty content type (the pre-signed S3 URL is signed
     * without one), retried three times with back-off because an undelivered answer leaves the
     * stack waiting for an hour.
     */
    static CustomResourceResponder http() {
        return (responseUrl, body) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            IOException last = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                try {
                    HttpURLConnection conn = (HttpURLConnection) URI.create(responseUrl).toURL().openConnection();
                    conn.setRequestMethod("PUT");
                    conn.setDoOutput(true);
                    conn.setConnectTimeout((int) Duration.ofSeconds(5).toMillis());
                    conn.setReadTimeout((int) Duration.ofSeconds(10).toMillis());
                    conn.setRequestProperty("Content-Type", "");
                    conn.setFixedLengthStreamingMode(bytes.length);
                    try (OutputStream out = conn.getOutputStream()) {
                        out.write(bytes);
                    }
                    int status = conn.getResponseCode();
                    conn.disconnect();
                    if (status >= 200 && status < 300) {
                        return;
                    }
                    last = new IOException("response URL answered HTTP " + status);
                } catch (IOException e) {
                    last = e;
                }
                try {
                    Thread.sleep(200L << attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while answering CloudFormation", e);
                }
            }
            throw last;
        };
    }
}
