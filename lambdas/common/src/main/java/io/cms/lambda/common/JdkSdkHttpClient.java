package io.cms.lambda.common;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An SDK v2 HTTP client on the JDK's {@link HttpClient}, for the few APIs that use HTTP PATCH
 * (e.g. IoT {@code UpdateEventConfigurations}): {@link java.net.HttpURLConnection}, and therefore
 * the URL-connection client of {@link AwsClients}, refuses PATCH ("Invalid HTTP method"). No extra
 * dependency; request bodies are buffered (control-plane calls are small).
 */
public final class JdkSdkHttpClient implements SdkHttpClient {

    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient http;
    private final Duration requestTimeout;

    public JdkSdkHttpClient(Duration connectTimeout, Duration requestTimeout) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
        this.requestTimeout = requestTimeout;
    }

    /** Five seconds to connect, thirty per request, like {@link AwsClients}. */
    public static JdkSdkHttpClient create() {
        return new JdkSdkHttpClient(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        SdkHttpRequest sdk = request.httpRequest();
        return new ExecutableHttpRequest() {
            private volatile Thread caller;

            @Override
            public HttpExecuteResponse call() throws IOException {
                caller = Thread.currentThread();
                byte[] body = new byte[0];
                if (request.contentStreamProvider().isPresent()) {
                    try (InputStream in = request.contentStreamProvider().get().newStream()) {
                        body = in.readAllBytes();
                    }
                }
                HttpRequest.Builder builder = HttpRequest.newBuilder(sdk.getUri()).timeout(requestTimeout)
                        .method(sdk.method().name(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                for (Map.Entry<String, List<String>> h : sdk.headers().entrySet()) {
                    if (!RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
                        for (String value : h.getValue()) {
                            builder.header(h.getKey(), value);
                        }
                    }
                }
                HttpResponse<InputStream> response;
                try {
                    response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("HTTP call interrupted");
                }
                SdkHttpResponse.Builder out = SdkHttpResponse.builder().statusCode(response.statusCode());
                response.headers().map().forEach(out::putHeader);
                InputStream stream = response.body() == null ? new ByteArrayInputStream(new byte[0]) : response.body();
                return HttpExecuteResponse.builder().response(out.build())
                        .responseBody(AbortableInputStream.create(stream)).build();
            }

            @Override
            public void abort() {
                Thread t = caller;
                if (t != null) {
                    t.interrupt();
                }
            }
        };
    }

    @Override
    public String clientName() {
        return "JdkHttpClient";
    }

    @Override
    public void close() {
        // The JDK client has no close before Java 21; its threads are daemons.
    }
}
