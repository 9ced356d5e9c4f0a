package io.cms.local;

import io.cms.alerts.AlertsConfig;
import io.cms.alerts.PublishScopes;
import io.cms.connectstore.lake.LakeWriter;
import io.cms.connectstore.lake.LakeWriterConfig;
import io.cms.connectstore.telemetry.TelemetryValidator;
import io.cms.lambda.common.EnvConfig;
import io.cms.local.alerts.LocalAlerts;
import io.cms.local.api.LocalVehicleApi;
import io.cms.lambda.common.AuthSetupScopes;
import java.util.Map;
import java.util.Optional;
import io.cms.local.auth.LocalAuth;
import io.cms.local.broker.InboundMessage;
import io.cms.local.broker.LocalBroker;
import io.cms.local.broker.TopicPolicy;
import io.cms.local.broker.TopicRule;
import io.cms.local.dynamo.LocalDynamo;
import io.cms.local.graphql.GraphQlHttpServer;
import io.cms.local.dynamo.LocalTables;
import io.cms.local.ingest.IngestJournal;
import io.cms.local.ingest.IngestPipeline;
import io.cms.local.ingest.LakeCompaction;
import io.cms.local.ingest.LatestStateProjection;
import io.cms.api.LatestStateStore;
import io.cms.local.iot.CertificateStatusRequests;
import io.cms.local.iot.LocalIotRegistry;
import io.cms.local.pki.IssuedCertificate;
import io.cms.local.pki.LocalCa;
import io.cms.lambda.common.PrivateFiles;
import io.cms.local.provisioning.DomainProvisioningHooks;
import io.cms.local.provisioning.FleetProvisioning;
import io.cms.local.provisioning.LocalIotControlPlane;
import io.cms.provisioning.Provisioning;
import io.cms.provisioning.ProvisioningStore;
import io.cms.provisioning.VehicleRegistry;
import io.cms.simulator.pki.Pem;
import io.cms.vss.VssCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole CMS data plane on one machine, in one JVM, on loopback: the MQTT broker (TLS with
 * client certificates and the vehicle policy), fleet provisioning by claim, the provisioning,
 * ingest, alarm and initial-connection rules running the modules' domain code, DynamoDB Local,
 * the Parquet lake, the alerts outbox. Everything lives in one data directory and survives a
 * restart. {@link #close()} stops it cleanly (what was acknowledged is committed or journaled).
 */
public final class CmsLocal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CmsLocal.class);
    /** Vehicle certificates issued by provisioning are valid this long. */
    public static final Duration VEHICLE_CERTIFICATE_VALIDITY = Duration.ofDays(365);
    /**
     * How often the certificate status requests of the CLI ({@link CertificateStatusRequests}) are
     * polled: well within the CLI's wait ({@code cms registry revoke --local} waits 5 s), without
     * listing the folder several times a second for requests that come rarely.
     */
    static final Duration IOT_REQUESTS_POLL = Duration.ofSeconds(1);
    /** Where the API module's GraphQL API is served. */
    public static final String API_PATH = "/graphql";
    /** Where the Alerts publish API is served. */
    public static final String ALERTS_PUBLISH_PATH = "/alerts/publish/graphql";
    /** Where the Alerts frontend (subscriptions, notifications) API is served. */
    public static final String ALERTS_FRONTEND_PATH = "/alerts/frontend/graphql";

    /** What {@link #boot()} throws when {@link #close()} was called before it finished. */
    static final String STOPPED_WHILE_STARTING = "CMS Local was stopped while starting";

    /** How often CMS Local looks for closed lake hours to compact. */
    static final Duration LAKE_COMPACTION_EVERY = Duration.ofMinutes(5);

    /** How long {@link #close()} waits for a boot step in progress before it stops what has started without it. */
    static final Duration DEFAULT_STOP_WAIT = Duration.ofSeconds(30);

    private final CmsLocalSettings settings;
    /** Called in the booting thread after each part has started (tests stop CMS Local there). */
    private final Consumer<String> onStarted;
    private final Duration stopWait;
    /** The part started last (for the message when a boot step hangs); guarded by {@code this}. */
    private String lastStarted = "nothing";
    /** What has started, the newest first; guarded by {@code this}. */
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    /** Set by {@link #close()}: {@link #boot()} checks it between its steps and gives up. */
    private volatile boolean stopping;
    /** The thread running {@link #boot()}, while it runs; guarded by {@code this}. */
    private Thread bootThread;
    /** Whether {@link #boot()} was called (it runs once); guarded by {@code this}. */
    private boolean bootCalled;
    private LocalCa ca;
    private LocalAuth auth;
    private GraphQlHttpServer http;
    private LocalIotRegistry iot;
    private LocalDynamo dynamo;
    private LocalTables tables;
    private Provisioning provisioning;
    private VehicleRegistry vehicleRegistry;
    private IngestPipeline ingest;
    private LatestStateStore latestState;
    private LocalAlerts alerts;
    private volatile LocalBroker broker;
    private Path claimCertificate;
    private Path claimKey;

    private CmsLocal(CmsLocalSettings settings, Consumer<String> onStarted, Duration stopWait) {
        this.settings = settings;
        this.onStarted = onStarted;
        this.stopWait = stopWait;
    }

    /**
     * Starts CMS Local; on any failure, what was started is stopped again and the error says what
     * went wrong (a taken port, a locked data directory, ...).
     */
    public static CmsLocal start(CmsLocalSettings settings) {
        CmsLocal local = create(settings);
        local.boot();
        return local;
    }

    /**
     * CMS Local, not started yet: {@link #boot()} starts it. {@link #close()} may be called before
     * or during the boot (a shutdown hook on Ctrl-C), which then stops at its next step.
     */
    static CmsLocal create(CmsLocalSettings settings) {
        return create(settings, part -> { }, DEFAULT_STOP_WAIT);
    }

    /**
     * {@link #create(CmsLocalSettings)} telling {@code onStarted}, in the booting thread, each part
     * that has started, whose {@link #close()} waits at most {@code stopWait} for a boot step in progress.
     */
    static CmsLocal create(CmsLocalSettings settings, Consumer<String> onStarted, Duration stopWait) {
        return new CmsLocal(settings, onStarted, stopWait);
    }

    /**
     * Starts everything; runs once. On any failure, and when {@link #close()} is called meanwhile
     * (then with {@value #STOPPED_WHILE_STARTING}), what was started is stopped again in reverse
     * order before the error is thrown.
     */
    void boot() {
        synchronized (this) {
            if (bootCalled) {
                throw new IllegalStateException("CMS Local was already started");
            }
            bootCalled = true;
            checkNotStopping();
            bootThread = Thread.currentThread();
        }
        try {
            startParts();
        } catch (RuntimeException | Error e) {
            // Errors too (a native library that cannot load, out of memory): whatever started is
            // stopped and the data directory unlocked, so no half-started process lingers.
            closeStarted();
            throw e;
        } finally {
            synchronized (this) {
                bootThread = null;
                notifyAll();
            }
        }
    }

    /** Whether {@link #close()} was called. */
    boolean stopRequested() {
        return stopping;
    }

    /** The boot gave up between two steps because a stop was asked for (not a failure of its own). */
    static final class StoppedWhileStartingException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        StoppedWhileStartingException() {
            super(STOPPED_WHILE_STARTING);
        }
    }

    private static IllegalStateException stoppedWhileStarting() {
        return new StoppedWhileStartingException();
    }

    /** Between two boot steps: gives up when a stop was asked for. */
    private void checkNotStopping() {
        if (stopping) {
            throw stoppedWhileStarting();
        }
    }

    /** Records a part that has started (so that it is stopped), then gives up when a stop was asked for. */
    private <T extends AutoCloseable> T started(String part, T resource) {
        synchronized (this) {
            resources.push(resource);
            lastStarted = part;
        }
        onStarted.accept(part);
        checkNotStopping();
        return resource;
    }

    private void startParts() {
        // Before the first JDK HTTP server (the OIDC issuer's): the JDK reads these timeouts once, and
        // without them a few slow clients hold every worker of the GraphQL and OIDC servers.
        GraphQlHttpServer.useDefaultTimeouts();
        Path dir = settings.dataDir().toAbsolutePath();
        started("data directory lock", DataDirLock.acquire(dir));
        int mqttPort = resolve(settings.mqttPort(), "MQTT", "--mqtt-port");
        int dynamoPort = resolve(settings.dynamoPort(), "DynamoDB Local", "--dynamodb-port");
        int oidcPort = resolve(settings.oidcPort(), "the OIDC issuer", "--oidc-port");
        int httpPort = resolve(settings.httpPort(), "the GraphQL APIs", "--http-port");

        auth = started("OIDC issuer", LocalAuth.start(dir.resolve("oidc"), oidcPort, settings.appId()));
        ca = LocalCa.loadOrCreate(dir.resolve("pki"));
        checkNotStopping();
        iot = started("IoT registry", LocalIotRegistry.open(dir.resolve("iot")));
        // A certificate that is deactivated, revoked or deleted, by whoever, loses its connections, as in IoT Core.
        iot.onCertificateRetired(certificateId -> {
            LocalBroker b = broker;
            if (b != null) {
                b.disconnectCertificate(certificateId);
            }
        });
        // Deactivations the CLI asked for while CMS Local was stopped: applied before anyone can connect.
        CertificateStatusRequests iotRequests = new CertificateStatusRequests(dir.resolve("iot"), iot);
        iotRequests.applyPending();
        dynamo = started("DynamoDB Local", LocalDynamo.start(dir.resolve("dynamodb"), dynamoPort));
        tables = LocalTables.named(settings.appId());
        tables.ensure(dynamo);
        checkNotStopping();

        ProvisioningStore store = new ProvisioningStore(dynamo.client(), tables.authorizedVehicles(),
                tables.provisionedVehicles(), Clock.systemUTC());
        LocalIotControlPlane controlPlane = new LocalIotControlPlane(iot);
        provisioning = DomainProvisioningHooks.cmsLocalDomain(store, controlPlane, settings.provisioningTemplate());
        vehicleRegistry = new VehicleRegistry(store, controlPlane);
        FleetProvisioning fleet = new FleetProvisioning(ca, iot, new DomainProvisioningHooks(provisioning),
                settings.provisioningTemplate(), VEHICLE_CERTIFICATE_VALIDITY);
        ensureClaimCertificate(dir.resolve("claim"), fleet);
        // Ownership tokens do not survive a restart: the certificates made for them can never be registered now,
        // and registrations whose post-provisioning failed after recording the activation are settled.
        fleet.cleanUpAtStart();
        checkNotStopping();

        Path lakeRoot = dir.resolve("lake");
        int orphans = LakeWriter.deleteOrphans(lakeRoot);
        if (orphans > 0) {
            LOG.info("removed {} temporary lake files an earlier crash left", orphans);
        }
        TelemetryValidator validator = new TelemetryValidator(VssCatalog.load());
        checkNotStopping();
        // History queries and the hourly lake compaction share a view lock: a query never sees an
        // hour's files in the middle of their swap.
        ReentrantReadWriteLock lakeView = new ReentrantReadWriteLock(true);
        LakeCompaction compaction = new LakeCompaction(lakeRoot, Clock.systemUTC(), lakeCompactionGrace(), lakeView.writeLock());
        LakeWriter lake = new LakeWriter(LakeWriterConfig.builder(lakeRoot)
                .validator(validator)
                .maxBatchAge(settings.lakeCommitEvery().multipliedBy(2))
                // The hours a commit wrote into (late messages into an old hour too) are compacted again.
                .onCommit(compaction::committed)
                .build());
        IngestJournal journal = started("ingest journal", IngestJournal.open(dir.resolve("ingest"), settings.journalSync()));
        latestState = new LatestStateStore(dynamo.client(), tables.vehicleState());
        LatestStateProjection projection = started("latest-state projection", new LatestStateProjection(validator, latestState));
        ingest = started("ingest pipeline", new IngestPipeline(journal, lake, projection, settings.lakeCommitEvery()));

        alerts = new LocalAlerts(dynamo.client(), tables.notifications(), tables.subscriptions(), dir.resolve("outbox"),
                // The operator's CLI (the service client) administers subscriptions, as alertsAdminScopes allows in AWS.
                AlertsConfig.from(EnvConfig.of(Map.of("ADMIN_SCOPES", AuthSetupScopes.serviceScope(settings.appId())))),
                // Only the service client may publish, as alertsPublishScopes defaults to in AWS.
                new PublishScopes(java.util.Set.of(AuthSetupScopes.serviceScope(settings.appId()))),
                Clock.systemUTC());

        List<TopicRule> rules = List.of(ingest.rule(), alerts.vehicleAlarmRule(),
                new TopicRule("initial-connection", "vehicleactive/+", this::onVehicleActive, true));
        List<TopicRule> all = new java.util.ArrayList<>(fleet.rules());
        all.addAll(rules);
        broker = started("MQTT broker", LocalBroker.start(dir.resolve("broker"), mqttPort, ca, iot,
                new TopicPolicy(settings.provisioningTemplate()), all));
        fleet.replyThrough(broker::publishToClient);
        iotRequests.start(IOT_REQUESTS_POLL);
        started("certificate status requests", iotRequests);

        // Before the first history query: a crash in the middle of a compaction's swap left an hour's
        // rows twice (the merged file next to its inputs) until the first run, LAKE_COMPACTION_EVERY later.
        compaction.finishInterrupted();
        LocalVehicleApi api = started("vehicle API", LocalVehicleApi.start(latestState, lakeRoot, dir.resolve("api"),
                lakeView.readLock()));
        started("lake compaction", compaction.start(LAKE_COMPACTION_EVERY));
        GraphQlHttpServer server;
        try {
            server = new GraphQlHttpServer(httpPort, header -> Optional.ofNullable(auth.authorize(header)));
        } catch (IOException e) {
            throw new UncheckedIOException("the GraphQL APIs cannot listen on 127.0.0.1:" + httpPort, e);
        }
        http = started("GraphQL APIs", server);
        http.addEndpoint(API_PATH, schema("/io/cms/api/schema.graphql"), api.resolver());
        http.addEndpoint(ALERTS_PUBLISH_PATH, schema("/io/cms/alerts/graphql/publish-api.graphql"), alerts.publishApi());
        http.addEndpoint(ALERTS_FRONTEND_PATH, schema("/io/cms/alerts/graphql/frontend-api.graphql"), alerts.frontendApi());
        http.start();
        LocalEndpoints.of(this).write(dir);
        started("endpoints file", () -> LocalEndpoints.delete(dir));
        LOG.info("CMS Local is up: MQTT on 127.0.0.1:{}, DynamoDB Local on {}", mqttPort, dynamo.endpoint());
    }

    private CompletionStage<Void> onVehicleActive(InboundMessage m) {
        String vin = m.topic().substring(m.topic().lastIndexOf('/') + 1);
        try {
            provisioning.vehicleConnected(vin, m.certificateId());
        } catch (RuntimeException e) {
            LOG.warn("vehicleactive on {} refused: {}", m.topic(), e.getMessage());
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Loads the claim certificate of an earlier run, or issues one and stores it in {@code dir}. */
    private void ensureClaimCertificate(Path dir, FleetProvisioning fleet) {
        claimCertificate = dir.resolve("cert.pem");
        claimKey = dir.resolve("key.pem");
        try {
            if (Files.exists(claimCertificate) && Files.exists(claimKey)) {
                X509Certificate certificate = Pem.readCertificate(Files.readString(claimCertificate, StandardCharsets.UTF_8));
                String id = LocalCa.certificateId(certificate);
                if (iot.certificate(id).isEmpty()) {
                    iot.register(id, LocalIotRegistry.Status.ACTIVE, true);
                }
                return;
            }
            Files.createDirectories(dir);
            IssuedCertificate claim = fleet.issueClaimCertificate();
            PrivateFiles.write(claimKey, claim.privateKeyPem());
            PrivateFiles.write(claimCertificate, claim.certificatePem());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the claim certificate in " + dir, e);
        }
    }

    private static int resolve(int port, String service, String option) {
        if (port == 0) {
            return Ports.free();
        }
        Ports.requireFree(port, service, option);
        return port;
    }

    public CmsLocalSettings settings() {
        return settings;
    }

    public LocalCa ca() {
        return ca;
    }

    public GraphQlHttpServer http() {
        return http;
    }

    /** The URL of a GraphQL API path, e.g. {@link #API_PATH}. */
    public String url(String path) {
        return http.uri(path).toString();
    }

    /** A module's AppSync schema file from the classpath (the same file the CDK stack deploys). */
    private static String schema(String resource) {
        try (java.io.InputStream in = CmsLocal.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema " + resource + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + resource, e);
        }
    }

    public LocalAuth auth() {
        return auth;
    }

    public LocalDynamo dynamo() {
        return dynamo;
    }

    public LocalTables tables() {
        return tables;
    }

    public VehicleRegistry vehicleRegistry() {
        return vehicleRegistry;
    }

    public LocalIotRegistry iot() {
        return iot;
    }

    public IngestPipeline ingest() {
        return ingest;
    }

    public LatestStateStore latestState() {
        return latestState;
    }

    public LocalAlerts alerts() {
        return alerts;
    }

    public int mqttPort() {
        return broker.port();
    }

    public Path claimCertificateFile() {
        return claimCertificate;
    }

    public Path claimKeyFile() {
        return claimKey;
    }

    public Path caFile() {
        return settings.dataDir().resolve("pki/ca.pem");
    }

    public Path lakeRoot() {
        return settings.dataDir().resolve("lake");
    }

    /**
     * Stops everything in reverse start order; the broker first, so nothing new arrives while the lake commits.
     * During {@link #boot()} (from another thread), the boot gives up after its current step and
     * stops what it started; this waits for that (not for the whole boot), so that when it returns
     * everything is stopped. A boot step that hangs is waited for at most {@link #DEFAULT_STOP_WAIT}:
     * then what has started is stopped without it (the step's part, if it ever finishes, is stopped
     * by the boot), so Ctrl-C always ends the process. Safe to call more than once.
     */
    @Override
    public void close() {
        stopping = true;
        boolean interrupted = false;
        synchronized (this) {
            if (bootThread == Thread.currentThread()) {
                return; // called from within the boot: it stops at its next step and closes what it started
            }
            long deadline = System.nanoTime() + stopWait.toNanos();
            while (bootThread != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("the start step after {} did not finish within {} s; stopping what has started without it",
                            lastStarted, stopWait.toSeconds());
                    break;
                }
                try {
                    // Releases the lock: the boot can record its current part and close it.
                    wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    interrupted = true; // still wait: returning early would let the JVM exit mid-boot
                }
            }
        }
        closeStarted();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * How long after its end a lake hour may still get files: the lake writer commits a batch at
     * most two commit intervals after its first message; five minutes covers that with room.
     */
    private Duration lakeCompactionGrace() {
        Duration batches = settings.lakeCommitEvery().multipliedBy(4);
        Duration floor = Duration.ofMinutes(5);
        return batches.compareTo(floor) > 0 ? batches : floor;
    }

    /** Closes, newest first, each part that has started and is not closed yet (each one once). */
    private synchronized void closeStarted() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("stopping {} failed: {}", resource.getClass().getSimpleName(), e.getMessage());
            }
        }
    }
}
