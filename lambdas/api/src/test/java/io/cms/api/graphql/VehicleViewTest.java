package io.cms.api.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import org.junit.jupiter.api.Test;

class VehicleViewTest {

    @Test
    void wrapsLeavesKeepsTypesAndNulls() {
        ObjectNode signals = (ObjectNode) Json.parse("{\"Vehicle\":{\"Speed\":42.5,\"CurrentLocation\":{\"Latitude\":52.1,"
                + "\"Altitude\":null},\"OBD\":{\"DTCList\":[\"P0A80\"]},\"LowVoltageSystemState\":\"ON\"}}");
        ObjectNode view = VehicleView.of("1HGCM82633A004352", 1000, signals);
        assertThat(view.at("/speed/value").isNumber()).isTrue();
        assertThat(view.at("/speed/value").asDouble()).isEqualTo(42.5);
        assertThat(view.at("/currentLocation/latitude/value").asDouble()).isEqualTo(52.1);
        assertThat(view.at("/currentLocation/altitude/value").isNull()).isTrue();
        assertThat(view.at("/obd/dtcList/value/0").asText()).isEqualTo("P0A80");
        assertThat(view.at("/lowVoltageSystemState/value").asText()).isEqualTo("ON");
        assertThat(view.get("vin").asText()).isEqualTo("1HGCM82633A004352");
    }
}
