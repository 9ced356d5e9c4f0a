package io.cms.lambda.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecureEndpointsTest {

    @ParameterizedTest
    @ValueSource(strings = {"https://idp.example.com/token", "http://127.0.0.1:9000/x", "http://localhost/x",
            "http://LOCALHOST:8080/x", "http://[::1]:9000/x"})
    void requireReturnsHttpsOrLoopbackHttp(String url) {
        assertThat(SecureEndpoints.require(url, "TOKEN_URL")).isEqualTo(URI.create(url));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/x", "http://127.0.0.1.example.com/x", "ftp://127.0.0.1/x", "https:///nohost"})
    void requireRefusesOtherEndpointsNamingTheSetting(String url) {
        assertThatThrownBy(() -> SecureEndpoints.require(url, "TOKEN_URL"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("TOKEN_URL must be https (http only on 127.0.0.1, localhost or ::1), got " + url);
    }

    @Test
    void requireReportsARefusedEndpointWithoutItsUserInfo() {
        assertThatThrownBy(() -> SecureEndpoints.require("http://user:pa55word@example.com/x", "TOKEN_URL"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageEndingWith(", got http://example.com/x")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("pa55word"));
    }

    @Test
    void requireRefusesTextThatIsNotAUrl() {
        assertThatThrownBy(() -> SecureEndpoints.require("not a url", "TOKEN_URL"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("TOKEN_URL is not a URL");
    }
}
