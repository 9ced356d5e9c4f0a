package io.cms.provisioning.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.Json;
import io.cms.provisioning.CertificateStatus;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.ProvisioningStore;
import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.testutils.LocalTables;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HandlersTest {

    private static final String TEMPLATE = "cms--provisioning-template";
    private static final String VIN = "1HGCM82633A004352";

    @RegisterExtension
    static final LocalTables TABLES = new LocalTables();

    private ProvisioningStore store;
    private InMemoryIotRegistry iot;
    private PreProvisioningHandler pre;
    private PostProvisioningHandler post;
    private InitialConnectionHandler initial;

    @BeforeEach
    void fresh() {
        store = TABLES.newStore();
        iot = new InMemoryIotRegistry();
        Provisioning provisioning = new Provisioning(store, iot, TEMPLATE, Provisioning.RetryAfterActivation.REFUSED);
        pre = new PreProvisioningHandler(provisioning);
        post = new PostProvisioningHandler(provisioning);
        initial = new InitialConnectionHandler(provisioning);
        store.authorize(VIN, "Honda", "Accord", "2003");
    }

    private static JsonNode call(com.amazonaws.services.lambda.runtime.RequestStreamHandler handler, String event)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return Json.parse(out.toString(StandardCharsets.UTF_8));
    }

    private static String preEvent(String certificateId, String parameters) {
        return "{\"claimCertificateId\":\"" + "c".repeat(64) + "\",\"certificateId\":\"" + certificateId
                + "\",\"certificatePem\":\"-----BEGIN CERTIFICATE-----\",\"templateArn\":\"arn:aws:iot:us-east-1:123456789012:provisioningtemplate/"
                + TEMPLATE + "\",\"clientId\":\"device-1\",\"parameters\":" + parameters + "}";
    }

    private static String thingEvent(String operation, String thing, String certificateId) {
        return "{\"eventType\":\"THING_EVENT\",\"eventId\":\"e1\",\"timestamp\":1700000000000,\"operation\":\"" + operation
                + "\",\"accountId\":\"123456789012\",\"thingId\":\"t1\",\"thingName\":\"" + thing
                + "\",\"versionNumber\":1,\"thingTypeName\":null,\"attributes\":{\"vin\":\"" + thing
                + "\",\"certificate_id\":\"" + certificateId + "\",\"provisioned_by_template\":\"" + TEMPLATE + "\"}}";
    }

    @Test
    void preProvisioningAnswersInTheShapeIotExpects() throws IOException {
        JsonNode answer = call(pre, preEvent(iot.createCertificate(), "{\"vin\":\"" + VIN + "\"}"));

        assertThat(answer.get("allowProvisioning").asBoolean()).isTrue();
        assertThat(answer.at("/parameterOverrides/vin").asText()).isEqualTo(VIN);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "{\"parameters\":{\"vin\":\"1HGCM82633A004352\"}}",
        "{\"certificateId\":\"%s\",\"parameters\":\"vin\"}", "{\"certificateId\":\"%s\",\"parameters\":{\"vin\":17}}"})
    void preProvisioningRefusesMalformedEventsAndWritesNothing(String template) throws IOException {
        JsonNode answer = call(pre, template.replace("%s", iot.createCertificate()));

        assertThat(answer.get("allowProvisioning").asBoolean()).isFalse();
        assertThat(answer.get("parameterOverrides").size()).isZero();
        assertThat(TABLES.count(store.provisionedTable())).isZero();
    }

    @Test
    void preProvisioningRefusesEmptyParameters() throws IOException {
        JsonNode answer = call(pre, preEvent(iot.createCertificate(), "{}"));

        assertThat(answer.get("allowProvisioning").asBoolean()).isFalse();
        assertThat(TABLES.count(store.provisionedTable())).isZero();
    }

    /** A new certificate the pre-provisioning hook allowed for {@code VIN}, with its thing registered. */
    private String registeredThroughThePreHook() throws IOException {
        String cert = iot.createCertificate();
        call(pre, preEvent(cert, "{\"vin\":\"" + VIN + "\"}"));
        iot.registerThing(VIN, java.util.Map.of("vin", VIN, "certificate_id", cert, "provisioned_by_template", TEMPLATE),
                cert, "policy");
        return cert;
    }

    @Test
    void postProvisioningActivatesFromARealThingEvent() throws IOException {
        String cert = registeredThroughThePreHook();

        JsonNode answer = call(post, thingEvent("CREATED", VIN, cert));

        assertThat(answer.get("outcome").asText()).isEqualTo("ACTIVATED");
        assertThat(store.certificate(VIN, cert).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
    }

    @Test
    void preProvisioningRefusesANewCertificateForAVinWithAnActiveOneUntilItIsAuthorizedAgain() throws IOException {
        String cert = registeredThroughThePreHook();
        assertThat(call(post, thingEvent("CREATED", VIN, cert)).get("outcome").asText()).isEqualTo("ACTIVATED");
        String attacker = iot.createCertificate();

        JsonNode refused = call(pre, preEvent(attacker, "{\"vin\":\"" + VIN + "\"}"));

        assertThat(refused.get("allowProvisioning").asBoolean()).isFalse();
        assertThat(refused.get("parameterOverrides").size()).isZero();
        assertThat(store.certificate(VIN, attacker)).isEmpty();
        assertThat(TABLES.count(store.provisionedTable())).isEqualTo(1);

        // The operator authorizes the VIN again (replacement ECU): the new certificate replaces the old one.
        store.authorize(VIN, "Honda", "Accord", "2003");
        String replacement = iot.createCertificate();
        assertThat(call(pre, preEvent(replacement, "{\"vin\":\"" + VIN + "\"}")).get("allowProvisioning").asBoolean()).isTrue();
        iot.registerThing(VIN, java.util.Map.of("vin", VIN, "certificate_id", replacement, "provisioned_by_template", TEMPLATE),
                replacement, "policy");
        assertThat(call(post, thingEvent("UPDATED", VIN, replacement)).get("outcome").asText()).isEqualTo("ACTIVATED");
        assertThat(store.certificate(VIN, cert).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(store.certificate(VIN, replacement).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
    }

    /**
     * In AWS a repeated RegisterThing of the VIN's ACTIVE certificate would make IoT activate it again
     * (e.g. after an operator deactivated it outside CMS): the Lambdas' pre-provisioning hook refuses
     * it, also while the VIN is authorized again. Its post-provisioning runs on the thing event, which
     * IoT retries, so a device never needs to repeat the registration.
     */
    @Test
    void preProvisioningRefusesTheVinsActiveCertificateAgain() throws IOException {
        String cert = registeredThroughThePreHook();
        assertThat(call(post, thingEvent("CREATED", VIN, cert)).get("outcome").asText()).isEqualTo("ACTIVATED");

        JsonNode refused = call(pre, preEvent(cert, "{\"vin\":\"" + VIN + "\"}"));
        store.authorize(VIN, "Honda", "Accord", "2003");
        JsonNode refusedWhileAuthorized = call(pre, preEvent(cert, "{\"vin\":\"" + VIN + "\"}"));

        assertThat(refused.get("allowProvisioning").asBoolean()).isFalse();
        assertThat(refusedWhileAuthorized.get("allowProvisioning").asBoolean()).isFalse();
        assertThat(store.certificate(VIN, cert).orElseThrow().status()).isEqualTo(CertificateStatus.ACTIVE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "42", "{\"operation\":\"CREATED\"}", "{\"eventType\":\"THING_GROUP_EVENT\",\"operation\":\"CREATED\",\"thingName\":\"x\"}",
        "{\"operation\":\"RENAMED\",\"thingName\":\"x\"}", "{\"operation\":\"CREATED\",\"thingName\":\"x\",\"attributes\":[1]}"})
    void postProvisioningDropsMalformedEventsWithoutFailing(String event) throws IOException {
        JsonNode answer = call(post, event);

        assertThat(answer.get("outcome").asText()).isEqualTo("DROPPED");
        assertThat(TABLES.count(store.provisionedTable())).isZero();
    }

    @Test
    void postProvisioningDropsATemplateEventWithABadCertificateId() throws IOException {
        JsonNode answer = call(post, thingEvent("UPDATED", VIN, "ZZZ"));

        assertThat(answer.get("outcome").asText()).isEqualTo("DROPPED");
        assertThat(TABLES.count(store.provisionedTable())).isZero();
    }

    @Test
    void postProvisioningIgnoresThingsOfOtherOrigins() throws IOException {
        JsonNode answer = call(post, "{\"eventType\":\"THING_EVENT\",\"operation\":\"CREATED\",\"thingName\":\"sim-1\",\"attributes\":{}}");

        assertThat(answer.get("outcome").asText()).isEqualTo("IGNORED");
    }

    @Test
    void initialConnectionMarksTheActiveCertificate() throws IOException {
        String cert = iot.createCertificate();
        call(pre, preEvent(cert, "{\"vin\":\"" + VIN + "\"}"));
        iot.registerThing(VIN, java.util.Map.of("vin", VIN, "certificate_id", cert, "provisioned_by_template", TEMPLATE),
                cert, "policy");
        call(post, thingEvent("CREATED", VIN, cert));

        JsonNode answer = call(initial, "{\"vin\":\"" + VIN + "\",\"certificate_id\":\"" + cert + "\"}");

        assertThat(answer.get("marked").asBoolean()).isTrue();
        assertThat(store.certificate(VIN, cert).orElseThrow().hasVehicleConnectedOnce()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "[]", "{}", "{\"vin\":\"1hgcm82633a004352\"}", "{\"vin\":\"1HGCM82633A004352\",\"certificate_id\":\"x\"}"})
    void initialConnectionDropsMalformedEvents(String event) throws IOException {
        JsonNode answer = call(initial, event);

        assertThat(answer.get("marked").asBoolean()).isFalse();
        assertThat(TABLES.count(store.provisionedTable())).isZero();
    }
}
