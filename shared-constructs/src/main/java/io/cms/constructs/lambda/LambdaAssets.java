package io.cms.constructs.lambda;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Finds the shaded jar a {@code lambdas/<module>} Maven module builds
 * ({@code lambdas/<module>/target/lambdas-<module>-lambda.jar}). The repository root comes from
 * the {@code cms.root} system property, or is found by walking up from the working directory to
 * the folder holding {@code cdk.json}, so synth works from the root, a module folder or a test.
 */
public final class LambdaAssets {

    private LambdaAssets() {
    }

    /** The jar's absolute path; fails with the command to run when it has not been built. */
    public static String jar(String lambdaModule) {
        Path jar = repositoryRoot().resolve("lambdas").resolve(lambdaModule).resolve("target")
                .resolve("lambdas-" + lambdaModule + "-lambda.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Lambda package " + jar + " has not been built; run `make build` (or "
                    + "`mvn -pl lambdas/" + lambdaModule + " -am package -DskipTests`) first");
        }
        return jar.toString();
    }

    /** The repository root. */
    public static Path repositoryRoot() {
        String fromProperty = System.getProperty("cms.root");
        if (fromProperty != null && !fromProperty.isBlank()) {
            return Paths.get(fromProperty).toAbsolutePath().normalize();
        }
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("cdk.json")) && Files.isDirectory(dir.resolve("lambdas"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the repository root (a folder with cdk.json and lambdas/);"
                + " run from inside the repository or set -Dcms.root");
    }
}
