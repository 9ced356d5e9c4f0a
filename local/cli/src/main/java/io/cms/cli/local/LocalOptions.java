package io.cms.cli.local;

import io.cms.local.LocalEndpoints;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --local DIR} option shared by the commands that work against CMS Local. */
public final class LocalOptions {

    @Option(names = "--local", paramLabel = "DATA_DIR",
            description = "CMS Local data directory (default: $CMS_LOCAL_DIR, else ./.cms-local).")
    Path dataDir;

    /** Connects to the CMS Local this option (or the environment) names, checking that it answers. */
    public LocalConnection connect() {
        Path dir = LocalEndpoints.dataDir(dataDir, System.getenv(LocalEndpoints.DIR_ENV));
        return new LocalConnection(dir, LocalEndpoints.read(dir)).requireReachable();
    }

    /** A GraphQL client for the CMS Local this option (or the environment) names. */
    public GraphQlClient graphql() {
        LocalConnection c = connect();
        return new GraphQlClient(c.endpoints(), c.dataDir().resolve(LocalEndpoints.FILE));
    }
}
