package io.cms.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.cms.provisioning.iot.InMemoryIotRegistry;
import io.cms.provisioning.iot.IotCertificate;
import io.cms.provisioning.iot.IotCertificateStatus;
import io.cms.provisioning.testutils.Device;
import io.cms.provisioning.testutils.LocalTables;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** The domain reads and writes the tables only as much as it needs to (counted DynamoDB calls). */
class ProvisioningStoreCallsTest {

    private static final String TEMPLATE = "cms--provisioning-template";
    private static final String VIN = "1HGCM82633A004352";

    @RegisterExtension
    static final LocalTables TABLES = new LocalTables();

    private ProvisioningStore store;
    private InMemoryIotRegistry iot;
    private Provisioning provisioning;
    /** Calls by "operation table", e.g. "GetItem AuthorizedVehicles3". */
    private final Map<String, Integer> calls = new ConcurrentHashMap<>();

    @BeforeEach
    void freshTables() {
        ProvisioningStore plain = TABLES.newStore();
        store = new ProvisioningStore(counting(TABLES.dynamo()), plain.authorizedTable(), plain.provisionedTable(),
                Clock.systemUTC());
        iot = new InMemoryIotRegistry();
        provisioning = new Provisioning(store, iot, TEMPLATE, Provisioning.RetryAfterActivation.REFUSED);
        store.authorize(VIN, "Honda", "Accord", "2003");
    }

    private DynamoDbClient counting(DynamoDbClient dynamo) {
        return (DynamoDbClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DynamoDbClient.class},
                (proxy, method, args) -> {
                    if (method.isDefault() && args != null && args.length == 1 && args[0] instanceof Consumer) {
                        // e.g. getItem(Consumer): builds the request and calls the counted getItem(GetItemRequest)
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    if (args != null && args.length == 1 && args[0] instanceof GetItemRequest r) {
                        calls.merge("GetItem " + r.tableName(), 1, Integer::sum);
                    } else if (args != null && args.length == 1 && args[0] instanceof UpdateItemRequest r) {
                        calls.merge("UpdateItem " + r.tableName(), 1, Integer::sum);
                    }
                    try {
                        return method.invoke(dynamo, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private int calls(String operation, String table) {
        return calls.getOrDefault(operation + " " + table, 0);
    }

    @Test
    void reconcileAllDoesNotReadTheVehicleAgainForEachUnaccountedCertificate() {
        List<Provisioning.ActiveInIot> strays = List.of(stray(), stray(), stray());
        calls.clear();

        provisioning.reconcileAll(strays);

        assertThat(calls("GetItem", store.authorizedTable())).as("vehicle reads").isZero();
        assertThat(strays).allSatisfy(s -> assertThat(iot.describeCertificate(s.certificateId())).isEmpty());
    }

    @Test
    void isActiveCertificateReadsOnlyTheVehiclePointer() {
        String active = Device.provision(iot, provisioning, VIN).certificateId();
        calls.clear();

        assertThat(provisioning.isActiveCertificate(VIN, active)).isTrue();
        assertThat(provisioning.isActiveCertificate(VIN, "ab".repeat(32))).isFalse();

        assertThat(calls("GetItem", store.provisionedTable())).as("certificate row reads").isZero();
    }

    @Test
    void aDeletedRowWhoseCertificateIsActiveInIotIsRetiredWithoutWritingTheRow() {
        Device.provision(iot, provisioning, VIN);
        store.authorize(VIN, "Honda", "Accord", "2003");
        String cert = iot.createCertificate();
        assertThat(provisioning.preProvision(new PreProvisionRequest(Device.CLAIM_CERTIFICATE_ID, cert, null, "client",
                Map.of("vin", VIN))).allow()).isTrue();
        assertThat(store.retirePending(VIN, cert)).isTrue();
        assertThat(store.markDeleted(VIN, cert)).isTrue();
        iot.updateCertificateStatus(cert, IotCertificateStatus.ACTIVE);
        calls.clear();

        provisioning.reconcile(VIN);

        assertThat(iot.describeCertificate(cert)).isEmpty();
        assertThat(store.certificate(VIN, cert).orElseThrow().status()).isEqualTo(CertificateStatus.DELETED);
        assertThat(calls("UpdateItem", store.provisionedTable())).as("row writes").isZero();
    }

    /** A certificate ACTIVE in IoT, attached to the VIN's thing name, with no row. */
    private Provisioning.ActiveInIot stray() {
        String id = iot.createCertificate();
        iot.updateCertificateStatus(id, IotCertificateStatus.ACTIVE);
        assertThat(iot.describeCertificate(id)).map(IotCertificate::status).contains(IotCertificateStatus.ACTIVE);
        return new Provisioning.ActiveInIot(id, VIN);
    }
}
