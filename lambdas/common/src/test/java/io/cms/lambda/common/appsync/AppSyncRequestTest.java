package io.cms.lambda.common.appsync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import org.junit.jupiter.api.Test;

class AppSyncRequestTest {

    private static AppSyncRequest parse(String json) {
        return AppSyncRequest.from(Json.parse(json));
    }

    @Test
    void readsFieldArgumentsAndResolverContext() {
        AppSyncRequest request = parse("{\"info\":{\"parentTypeName\":\"Query\",\"fieldName\":\"getVehicle\"},"
                + "\"arguments\":{\"vin\":\"1HGCM82633A004352\",\"limit\":5},"
                + "\"identity\":{\"resolverContext\":{\"sub\":\"u1\",\"scopes\":\"a b\"}}}");

        assertThat(request.parentType()).isEqualTo("Query");
        assertThat(request.fieldName()).isEqualTo("getVehicle");
        assertThat(request.text("vin")).isEqualTo("1HGCM82633A004352");
        assertThat(request.optionalInt("limit")).isEqualTo(5);
        assertThat(request.resolverContext().path("sub").asText()).isEqualTo("u1");
    }

    @Test
    void missingArgumentsAndIdentityAreEmptyNotNull() {
        AppSyncRequest request = parse("{\"info\":{\"fieldName\":\"listVehicles\"}}");

        assertThat(request.arguments().isEmpty()).isTrue();
        assertThat(request.resolverContext().isEmpty()).isTrue();
        assertThat(request.optionalText("nextToken")).isNull();
    }

    @Test
    void refusesAnEventThatIsNotAResolverCall() {
        assertThatThrownBy(() -> parse("{\"arguments\":{}}"))
                .isInstanceOf(BadInputException.class).hasMessageContaining("info.fieldName");
    }

    @Test
    void refusesArgumentsOfTheWrongType() {
        AppSyncRequest request = parse("{\"info\":{\"fieldName\":\"f\"},\"arguments\":{\"vin\":7,\"limit\":\"x\"}}");

        assertThatThrownBy(() -> request.text("vin")).isInstanceOf(BadInputException.class).hasMessageContaining("vin");
        assertThatThrownBy(() -> request.optionalInt("limit")).isInstanceOf(BadInputException.class)
                .hasMessageContaining("limit");
        assertThatThrownBy(() -> request.text("absent")).isInstanceOf(BadInputException.class);
    }
}
