package io.cms.provisioning;

import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Vin;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * The two Provisioning tables on DynamoDB. Every state change is a conditional write or a
 * transaction, so concurrent hooks for one VIN can never leave two ACTIVE certificates:
 *
 * <ul>
 *   <li>{@code AuthorizedVehicles} (PK {@code vin}): make, model, year, {@code allow_provisioning},
 *       plus the activation pointer {@code active_certificate_id} / {@code active_generation}, the
 *       counter {@code provisioning_generation} and {@code authorized_at_generation} (the counter's
 *       value when the current authorization was granted).</li>
 *   <li>{@code ProvisionedVehicles} (PK {@code vin}, SK {@code certificate_id}):
 *       {@code certificate_status}, {@code thing_name}, {@code generation},
 *       {@code has_vehicle_connected_once}, timestamps.</li>
 * </ul>
 *
 * <p>The pointer and the certificate rows only change together, in one {@code TransactWriteItems}
 * whose conditions name the pointer value that was read (optimistic concurrency).
 *
 * <p>An authorization is <em>one-shot</em>: the activation that consumes it sets
 * {@code allow_provisioning=false} in the same transaction, so the shared claim certificate alone can
 * never register a second certificate for a VIN that already has one. Only generations handed out
 * after the current authorization was granted ({@code > authorized_at_generation}) may activate, so
 * a registration left over from a consumed or revoked authorization never activates after the
 * operator authorizes the VIN again.
 */
public final class ProvisioningStore {

    static final String VIN = "vin";
    static final String MAKE = "make";
    static final String MODEL = "model";
    static final String YEAR = "year";
    static final String ALLOW = "allow_provisioning";
    static final String ACTIVE_CERT = "active_certificate_id";
    static final String ACTIVE_GEN = "active_generation";
    static final String NEXT_GEN = "provisioning_generation";
    static final String AUTHORIZED_AT_GEN = "authorized_at_generation";
    static final String CERT_ID = "certificate_id";
    static final String STATUS = "certificate_status";
    static final String THING = "thing_name";
    static final String GENERATION = "generation";
    static final String CONNECTED = "has_vehicle_connected_once";
    static final String CREATED_AT = "created_at";
    static final String UPDATED_AT = "updated_at";
    static final String FIRST_CONNECTED_AT = "first_connected_at";

    /**
     * The item is allowed to provision (with {@code :true} bound to true). An item written before
     * authorizations were one-shot has no {@code authorized_at_generation}; if it already has an
     * ACTIVE certificate, its authorization was consumed by that activation.
     */
    private static final String ALLOWED = "(" + ALLOW + " = :true AND (attribute_exists(" + AUTHORIZED_AT_GEN
            + ") OR attribute_not_exists(" + ACTIVE_CERT + ")))";
    /** The negation of {@link #ALLOWED}, also true for a VIN that is not in the table. */
    private static final String NOT_ALLOWED = "(attribute_not_exists(" + ALLOW + ") OR " + ALLOW + " <> :true OR "
            + "(attribute_not_exists(" + AUTHORIZED_AT_GEN + ") AND attribute_exists(" + ACTIVE_CERT + ")))";

    /** How many optimistic attempts an activation or revocation makes before giving up (the caller retries). */
    static final int MAX_ATTEMPTS = 64;

    private final DynamoDbClient dynamo;
    private final String authorizedTable;
    private final String provisionedTable;
    private final Clock clock;

    public ProvisioningStore(DynamoDbClient dynamo, String authorizedTable, String provisionedTable, Clock clock) {
        this.dynamo = dynamo;
        this.authorizedTable = authorizedTable;
        this.provisionedTable = provisionedTable;
        this.clock = clock;
    }

    public String authorizedTable() {
        return authorizedTable;
    }

    public String provisionedTable() {
        return provisionedTable;
    }

    // ---------------------------------------------------------------- AuthorizedVehicles

    /** The authorized vehicle, read consistently. */
    public Optional<AuthorizedVehicle> vehicle(String vin) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(authorizedTable).key(Map.of(VIN, s(vin)))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toVehicle(item));
    }

    /**
     * The authorized vehicle with its generation counters, as one consistent read.
     *
     * @param vehicle the vehicle
     * @param generationCounter {@code provisioning_generation}: the last generation handed out (0 if none)
     * @param authorizedAtGeneration {@code authorized_at_generation}: the counter's value when the current
     *     authorization was granted; only later generations may activate under it
     */
    record VehicleState(AuthorizedVehicle vehicle, long generationCounter, long authorizedAtGeneration) {

        /**
         * The highest generation that can never activate any more: every generation already handed
         * out when the authorization is consumed or revoked, else those of earlier authorizations.
         * Both counters only grow, so a registration at or below this value stays dead for good.
         */
        long deadThrough() {
            return vehicle.allowProvisioning() ? authorizedAtGeneration : generationCounter;
        }
    }

    Optional<VehicleState> state(String vin) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(authorizedTable).key(Map.of(VIN, s(vin)))
                .consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty()
                : Optional.of(new VehicleState(toVehicle(item), number(item, NEXT_GEN), number(item, AUTHORIZED_AT_GEN)));
    }

    /**
     * Creates or updates an authorized vehicle and allows it to provision <em>one</em> new certificate
     * (the activation of that certificate consumes the authorization). Keeps its activation pointer
     * and generations, so re-authorizing never disturbs a connected vehicle: its certificate stays
     * ACTIVE until a new one is activated, which then retires it.
     *
     * <p>When the VIN was not allowed (new, consumed or revoked), the new authorization only covers
     * registrations that start after it: pending registrations of an earlier authorization can no
     * longer activate. When it already was allowed, only make, model and year change, so
     * registrations in flight are not disturbed.
     */
    public void authorize(String vin, String make, String model, String year) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            String now = now();
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":make", s(make));
            values.put(":model", s(model));
            values.put(":year", s(year));
            values.put(":true", bool(true));
            values.put(":now", s(now));
            Map<String, String> names = Map.of("#make", MAKE, "#model", MODEL, "#year", YEAR);
            try {
                // Already allowed: the authorization in force stays as it is.
                dynamo.updateItem(b -> b.tableName(authorizedTable).key(Map.of(VIN, s(vin)))
                        .updateExpression("SET #make = :make, #model = :model, #year = :year, " + UPDATED_AT + " = :now")
                        .conditionExpression("attribute_exists(" + VIN + ") AND " + ALLOWED)
                        .expressionAttributeNames(names).expressionAttributeValues(values));
                return;
            } catch (ConditionalCheckFailedException notAllowedYet) {
                // New, consumed or revoked: grant a new authorization below.
            }
            values.put(":zero", n(0));
            try {
                dynamo.updateItem(b -> b.tableName(authorizedTable).key(Map.of(VIN, s(vin)))
                        .updateExpression("SET #make = :make, #model = :model, #year = :year, " + ALLOW + " = :true, "
                                + AUTHORIZED_AT_GEN + " = if_not_exists(" + NEXT_GEN + ", :zero), "
                                + UPDATED_AT + " = :now, " + CREATED_AT + " = if_not_exists(" + CREATED_AT + ", :now)")
                        .conditionExpression(NOT_ALLOWED)
                        .expressionAttributeNames(names).expressionAttributeValues(values));
                return;
            } catch (ConditionalCheckFailedException allowedMeanwhile) {
                // Someone authorized it between the two writes: start over with the first one.
                backOff(attempt);
            }
        }
        throw new IllegalStateException("could not authorize " + vin + " after " + MAX_ATTEMPTS
                + " attempts (heavy contention)");
    }

    /**
     * A page of authorized vehicles.
     *
     * @param limit at most this many (1..1000)
     * @param startAfterVin the previous page's {@link Page#nextToken()}, or null for the first page
     */
    public Page<AuthorizedVehicle> list(int limit, String startAfterVin) {
        if (limit < 1 || limit > 1000) {
            throw new BadInputException("limit must be between 1 and 1000, got " + limit);
        }
        if (startAfterVin != null && !Vin.isValid(startAfterVin)) {
            throw new BadInputException("the page token is not one this listing handed out");
        }
        List<AuthorizedVehicle> items = new ArrayList<>();
        Map<String, AttributeValue> start = startAfterVin == null ? null : Map.of(VIN, s(startAfterVin));
        // A scan page can come back short (filter-free scans stop at 1 MB); keep reading until the page is full.
        while (items.size() < limit) {
            Map<String, AttributeValue> from = start;
            int want = limit - items.size();
            ScanResponse r = dynamo.scan(b -> b.tableName(authorizedTable).limit(want).exclusiveStartKey(from));
            r.items().forEach(i -> items.add(toVehicle(i)));
            if (!r.hasLastEvaluatedKey() || r.lastEvaluatedKey().isEmpty()) {
                return new Page<>(items, null);
            }
            start = r.lastEvaluatedKey();
        }
        return new Page<>(items, start.get(VIN).s());
    }

    /**
     * Hands out the next provisioning generation of a VIN, only when the VIN is authorized and
     * allowed to provision (authorized and its authorization not yet consumed by an activation);
     * nothing is written otherwise.
     *
     * @return the new generation, or empty when the VIN is unknown or not allowed
     */
    public OptionalLong nextGeneration(String vin) {
        try {
            Map<String, AttributeValue> updated = dynamo.updateItem(b -> b.tableName(authorizedTable)
                    .key(Map.of(VIN, s(vin)))
                    .updateExpression("ADD " + NEXT_GEN + " :one")
                    .conditionExpression("attribute_exists(" + VIN + ") AND " + ALLOWED)
                    .expressionAttributeValues(Map.of(":one", n(1), ":true", bool(true)))
                    .returnValues(ReturnValue.UPDATED_NEW)).attributes();
            return OptionalLong.of(Long.parseLong(updated.get(NEXT_GEN).n()));
        } catch (ConditionalCheckFailedException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Sets {@code allow_provisioning=false} and, atomically with it, clears the activation pointer
     * and marks the ACTIVE certificate INACTIVE.
     *
     * @return the certificate that was ACTIVE, or empty when none was
     * @throws VehicleNotFoundException when the VIN is not authorized at all
     */
    public Optional<String> revoke(String vin) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            AuthorizedVehicle v = vehicle(vin).orElseThrow(() -> new VehicleNotFoundException(vin));
            String now = now();
            String active = v.activeCertificateId();
            try {
                if (active == null) {
                    dynamo.updateItem(b -> b.tableName(authorizedTable).key(Map.of(VIN, s(vin)))
                            .updateExpression("SET " + ALLOW + " = :false, " + UPDATED_AT + " = :now")
                            .conditionExpression("attribute_exists(" + VIN + ") AND attribute_not_exists(" + ACTIVE_CERT + ")")
                            .expressionAttributeValues(Map.of(":false", bool(false), ":now", s(now))));
                    return Optional.empty();
                }
                transact(
                        update(authorizedTable, Map.of(VIN, s(vin)),
                                "SET " + ALLOW + " = :false, " + UPDATED_AT + " = :now REMOVE " + ACTIVE_CERT,
                                ACTIVE_CERT + " = :cert",
                                Map.of(":false", bool(false), ":now", s(now), ":cert", s(active))),
                        setStatus(vin, active, CertificateStatus.INACTIVE, CertificateStatus.ACTIVE, now));
                return Optional.of(active);
            } catch (ConditionalCheckFailedException | TransactionCanceledException e) {
                backOff(attempt);
            }
        }
        throw new IllegalStateException("could not revoke " + vin + " after " + MAX_ATTEMPTS + " attempts (heavy contention)");
    }

    // ---------------------------------------------------------------- ProvisionedVehicles

    /**
     * Records a certificate the pre-provisioning hook allowed, as PENDING_ACTIVATION.
     *
     * @return true if written, false if this certificate was already recorded (nothing changed)
     */
    public boolean putPending(AuthorizedVehicle vehicle, String certificateId, String thingName, long generation) {
        String now = now();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(VIN, s(vehicle.vin()));
        item.put(CERT_ID, s(certificateId));
        item.put(STATUS, s(CertificateStatus.PENDING_ACTIVATION.name()));
        item.put(THING, s(thingName));
        item.put(GENERATION, n(generation));
        item.put(CONNECTED, bool(false));
        item.put(MAKE, s(vehicle.make()));
        item.put(MODEL, s(vehicle.model()));
        item.put(YEAR, s(vehicle.year()));
        item.put(CREATED_AT, s(now));
        item.put(UPDATED_AT, s(now));
        try {
            dynamo.putItem(b -> b.tableName(provisionedTable).item(item)
                    .conditionExpression("attribute_not_exists(" + CERT_ID + ")"));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** One certificate row, read consistently. */
    public Optional<ProvisionedCertificate> certificate(String vin, String certificateId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(provisionedTable)
                .key(Map.of(VIN, s(vin), CERT_ID, s(certificateId))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toCertificate(item));
    }

    /** Every certificate row of one VIN (one partition; never a table scan), read consistently. */
    public List<ProvisionedCertificate> certificates(String vin) {
        List<ProvisionedCertificate> out = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            Map<String, AttributeValue> from = start;
            QueryResponse r = dynamo.query(QueryRequest.builder().tableName(provisionedTable)
                    .keyConditionExpression(VIN + " = :vin")
                    .expressionAttributeValues(Map.of(":vin", s(vin)))
                    .consistentRead(true).exclusiveStartKey(from).build());
            r.items().forEach(i -> out.add(toCertificate(i)));
            start = r.hasLastEvaluatedKey() && !r.lastEvaluatedKey().isEmpty() ? r.lastEvaluatedKey() : null;
        } while (start != null);
        return out;
    }

    /** What {@link #activate} decided. */
    public enum ActivationResult {
        /** This certificate is now the ACTIVE one; {@link Activation#previousCertificateId()} was retired. */
        ACTIVATED,
        /** It already was the ACTIVE one (a repeated event). */
        ALREADY_ACTIVE,
        /** A certificate of a later provisioning is already active, or this one was retired: it lost. */
        SUPERSEDED,
        /**
         * The VIN is no longer authorized or allowed to provision: it was revoked, or the authorization
         * this registration was allowed under was consumed by another activation (or replaced by a
         * later authorization).
         */
        NOT_ALLOWED,
        /** No row for this certificate: the pre-provisioning hook never allowed it. */
        UNKNOWN
    }

    /**
     * The outcome of an activation.
     *
     * @param result what happened
     * @param previousCertificateId the certificate that was ACTIVE before and is now INACTIVE, or null
     */
    public record Activation(ActivationResult result, String previousCertificateId) {
    }

    /**
     * Makes a PENDING certificate the VIN's ACTIVE one if its generation is newer than the active
     * one's and the VIN's current authorization covers it, flipping the pointer, this row
     * (PENDING→ACTIVE) and the previous row (ACTIVE→INACTIVE) in one transaction conditioned on the
     * pointer value read. The same transaction sets {@code allow_provisioning=false}: the activation
     * consumes the authorization, so any other registration of the VIN loses until an operator
     * authorizes it again.
     */
    public Activation activate(String vin, String certificateId) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<ProvisionedCertificate> row = certificate(vin, certificateId);
            if (row.isEmpty()) {
                return new Activation(ActivationResult.UNKNOWN, null);
            }
            ProvisionedCertificate cert = row.get();
            if (cert.status() == CertificateStatus.ACTIVE) {
                return new Activation(ActivationResult.ALREADY_ACTIVE, null);
            }
            if (cert.status() != CertificateStatus.PENDING_ACTIVATION) {
                return new Activation(ActivationResult.SUPERSEDED, null);
            }
            Optional<VehicleState> found = state(vin);
            if (found.isEmpty()) {
                return new Activation(ActivationResult.NOT_ALLOWED, null);
            }
            AuthorizedVehicle v = found.get().vehicle();
            if (v.activeGeneration() >= cert.generation()) {
                return new Activation(ActivationResult.SUPERSEDED, null);
            }
            if (!v.allowProvisioning() || cert.generation() <= found.get().authorizedAtGeneration()) {
                return new Activation(ActivationResult.NOT_ALLOWED, null);
            }
            String now = now();
            String previous = v.activeCertificateId();
            Map<String, AttributeValue> values = new HashMap<>();
            values.put(":cert", s(certificateId));
            values.put(":gen", n(cert.generation()));
            values.put(":true", bool(true));
            values.put(":false", bool(false));
            values.put(":now", s(now));
            // Allowed, and this generation was handed out under the authorization in force.
            StringBuilder condition = new StringBuilder(ALLOW + " = :true AND (" + AUTHORIZED_AT_GEN + " < :gen OR "
                    + "(attribute_not_exists(" + AUTHORIZED_AT_GEN + ") AND attribute_not_exists(" + ACTIVE_CERT + ")))");
            if (v.activeGeneration() == 0) {
                condition.append(" AND attribute_not_exists(" + ACTIVE_GEN + ")");
            } else {
                condition.append(" AND " + ACTIVE_GEN + " = :prevGen");
                values.put(":prevGen", n(v.activeGeneration()));
            }
            if (previous == null) {
                condition.append(" AND attribute_not_exists(" + ACTIVE_CERT + ")");
            } else {
                condition.append(" AND " + ACTIVE_CERT + " = :prevCert");
                values.put(":prevCert", s(previous));
            }
            List<TransactWriteItem> writes = new ArrayList<>();
            writes.add(update(authorizedTable, Map.of(VIN, s(vin)),
                    "SET " + ACTIVE_CERT + " = :cert, " + ACTIVE_GEN + " = :gen, " + ALLOW + " = :false, "
                            + UPDATED_AT + " = :now",
                    condition.toString(), values));
            writes.add(setStatus(vin, certificateId, CertificateStatus.ACTIVE, CertificateStatus.PENDING_ACTIVATION, now));
            if (previous != null) {
                writes.add(setStatus(vin, previous, CertificateStatus.INACTIVE, CertificateStatus.ACTIVE, now));
            }
            try {
                transact(writes.toArray(TransactWriteItem[]::new));
                return new Activation(ActivationResult.ACTIVATED, previous);
            } catch (TransactionCanceledException e) {
                // Someone moved the pointer, consumed or renewed the authorization, or retired this row
                // since we read it: read again and decide again.
                backOff(attempt);
            }
        }
        throw new IllegalStateException("could not settle the activation of " + certificateId + " for " + vin
                + " after " + MAX_ATTEMPTS + " attempts (heavy contention); the event will be retried");
    }

    /** PENDING_ACTIVATION → INACTIVE; false when the row was not PENDING (nothing changed). */
    public boolean retirePending(String vin, String certificateId) {
        return conditionalStatus(vin, certificateId, CertificateStatus.INACTIVE, CertificateStatus.PENDING_ACTIVATION);
    }

    /**
     * ACTIVE → INACTIVE for a row its VIN's pointer does not name (the VIN was deleted from the
     * authorized-vehicle table, or deleted and authorized anew, without a revocation): the row change
     * of {@link #revoke}, in one transaction conditioned on the pointer (absent with the VIN) not
     * naming the certificate, so the VIN's ACTIVE certificate is never retired this way.
     *
     * @return false when nothing changed: the pointer names it, or the row is not ACTIVE
     */
    public boolean retireUnpointedActive(String vin, String certificateId) {
        try {
            transact(TransactWriteItem.builder().conditionCheck(c -> c.tableName(authorizedTable).key(Map.of(VIN, s(vin)))
                            .conditionExpression("attribute_not_exists(" + ACTIVE_CERT + ") OR " + ACTIVE_CERT + " <> :cert")
                            .expressionAttributeValues(Map.of(":cert", s(certificateId)))).build(),
                    setStatus(vin, certificateId, CertificateStatus.INACTIVE, CertificateStatus.ACTIVE, now()));
            return true;
        } catch (TransactionCanceledException e) {
            return false;
        }
    }

    /** INACTIVE → DELETED, once its IoT certificate is gone; false when the row was not INACTIVE. */
    public boolean markDeleted(String vin, String certificateId) {
        return conditionalStatus(vin, certificateId, CertificateStatus.DELETED, CertificateStatus.INACTIVE);
    }

    /** Sets {@code has_vehicle_connected_once} on the certificate if it is the ACTIVE one; false otherwise. */
    public boolean markConnected(String vin, String certificateId) {
        String now = now();
        try {
            dynamo.updateItem(b -> b.tableName(provisionedTable).key(Map.of(VIN, s(vin), CERT_ID, s(certificateId)))
                    .updateExpression("SET " + CONNECTED + " = :true, " + FIRST_CONNECTED_AT + " = if_not_exists("
                            + FIRST_CONNECTED_AT + ", :now), " + UPDATED_AT + " = :now")
                    .conditionExpression(STATUS + " = :active")
                    .expressionAttributeValues(Map.of(":true", bool(true), ":now", s(now),
                            ":active", s(CertificateStatus.ACTIVE.name()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- helpers

    private boolean conditionalStatus(String vin, String certificateId, CertificateStatus to, CertificateStatus from) {
        String now = now();
        try {
            dynamo.updateItem(b -> b.tableName(provisionedTable).key(Map.of(VIN, s(vin), CERT_ID, s(certificateId)))
                    .updateExpression("SET " + STATUS + " = :to, " + UPDATED_AT + " = :now")
                    .conditionExpression(STATUS + " = :from")
                    .expressionAttributeValues(Map.of(":to", s(to.name()), ":from", s(from.name()), ":now", s(now))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private TransactWriteItem setStatus(String vin, String certificateId, CertificateStatus to, CertificateStatus from,
                                        String now) {
        return update(provisionedTable, Map.of(VIN, s(vin), CERT_ID, s(certificateId)),
                "SET " + STATUS + " = :to, " + UPDATED_AT + " = :now", STATUS + " = :from",
                Map.of(":to", s(to.name()), ":from", s(from.name()), ":now", s(now)));
    }

    private static TransactWriteItem update(String table, Map<String, AttributeValue> key, String expression,
                                            String condition, Map<String, AttributeValue> values) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table).key(key)
                .updateExpression(expression).conditionExpression(condition)
                .expressionAttributeValues(values).build()).build();
    }

    private void transact(TransactWriteItem... items) {
        dynamo.transactWriteItems(b -> b.transactItems(items));
    }

    private static void backOff(int attempt) {
        long maxMillis = Math.min(50, 1L + attempt * 2L);
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(maxMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to retry", e);
        }
    }

    private String now() {
        return Instant.now(clock).toString();
    }

    private static AuthorizedVehicle toVehicle(Map<String, AttributeValue> i) {
        // The same rule as ALLOWED: an item from before one-shot authorizations that has an ACTIVE
        // certificate already used its authorization.
        boolean allowed = i.containsKey(ALLOW) && Boolean.TRUE.equals(i.get(ALLOW).bool())
                && (i.containsKey(AUTHORIZED_AT_GEN) || !i.containsKey(ACTIVE_CERT));
        return new AuthorizedVehicle(i.get(VIN).s(), text(i, MAKE), text(i, MODEL), text(i, YEAR), allowed,
                text(i, ACTIVE_CERT), number(i, ACTIVE_GEN));
    }

    private static ProvisionedCertificate toCertificate(Map<String, AttributeValue> i) {
        return new ProvisionedCertificate(i.get(VIN).s(), i.get(CERT_ID).s(),
                CertificateStatus.valueOf(i.get(STATUS).s()), text(i, THING), number(i, GENERATION),
                i.containsKey(CONNECTED) && Boolean.TRUE.equals(i.get(CONNECTED).bool()),
                instant(i, CREATED_AT), instant(i, UPDATED_AT));
    }

    private static String text(Map<String, AttributeValue> i, String name) {
        AttributeValue v = i.get(name);
        return v == null ? null : v.s();
    }

    private static long number(Map<String, AttributeValue> i, String name) {
        AttributeValue v = i.get(name);
        return v == null || v.n() == null ? 0 : Long.parseLong(v.n());
    }

    private static Instant instant(Map<String, AttributeValue> i, String name) {
        String v = text(i, name);
        return v == null ? null : Instant.parse(v);
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static AttributeValue n(long v) {
        return AttributeValue.fromN(Long.toString(v));
    }

    private static AttributeValue bool(boolean v) {
        return AttributeValue.fromBool(v);
    }
}
