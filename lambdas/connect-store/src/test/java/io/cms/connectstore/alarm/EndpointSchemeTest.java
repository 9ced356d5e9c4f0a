package io.cms.connectstore.alarm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.ConfigurationException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client secret and the bearer token travel only over https, or over plain http on loopback (CMS Local). */
class EndpointSchemeTest {

    static final String SECRET = "/solution/auth/cms/client-config/default";
    static final String PARAMETER = "/solution/cms/alerts/publish-api/endpoint";

    static String secret(String tokenEndpoint) {
        return "{\"token_endpoint\":\"" + tokenEndpoint + "\",\"client_id\":\"id\",\"client_secret\":\"s3cr3t-value\"}";
    }

    @Test
    void plainHttpTokenEndpointOnAnotherHostIsRefused() {
        assertThatThrownBy(() -> ClientConfig.parse(secret("http://example.com/oauth2/token"), SECRET))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("secret " + SECRET + ": token_endpoint must be https (http only on 127.0.0.1, localhost or ::1),"
                        + " got http://example.com/oauth2/token")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t-value"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9000/oauth2/token", "http://localhost:9000/oauth2/token",
            "http://[::1]:9000/oauth2/token", "https://idp.example.com/oauth2/token"})
    void httpsOrLoopbackHttpTokenEndpointIsAccepted(String endpoint) {
        assertThat(ClientConfig.parse(secret(endpoint), SECRET).tokenEndpoint()).isEqualTo(URI.create(endpoint));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/graphql", "http://127.0.0.1.example.com/graphql", "ftp://127.0.0.1/graphql"})
    void publishEndpointNeitherHttpsNorLoopbackHttpIsRefused(String endpoint) {
        assertThatThrownBy(() -> AlertsPublisher.endpointUri(endpoint, PARAMETER))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("SSM parameter " + PARAMETER + " must be https (http only on 127.0.0.1, localhost or ::1),"
                        + " got " + endpoint);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:9000/graphql", "http://localhost:9000/graphql", "http://[::1]:9000/graphql",
            "https://abc.appsync-api.eu-west-1.amazonaws.com/graphql"})
    void httpsOrLoopbackHttpPublishEndpointIsAccepted(String endpoint) {
        assertThat(AlertsPublisher.endpointUri(endpoint, PARAMETER)).isEqualTo(URI.create(endpoint));
    }

    @Test
    void refusedEndpointIsReportedWithoutItsUserInfo() {
        assertThatThrownBy(() -> AlertsPublisher.endpointUri("http://user:pa55word@example.com/graphql", PARAMETER))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageEndingWith(", got http://example.com/graphql");
    }

    @Test
    void publishEndpointThatIsNotAUrlIsRefused() {
        assertThatThrownBy(() -> AlertsPublisher.endpointUri("not a url", PARAMETER))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("SSM parameter " + PARAMETER + " is not a URL");
    }
}
