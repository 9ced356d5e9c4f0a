package io.cms.cli.registry;

import io.cms.cli.ExitCodes;
import io.cms.lambda.common.BadInputException;
import io.cms.provisioning.VehicleRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code cms registry import FILE.csv}: exit 0 when every line was imported, 3 when some were refused. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Authorize every vehicle of a CSV (vin,make,model,year; optional header). Bad lines are reported; good lines are kept.")
public final class ImportCommand implements Callable<Integer> {

    @CommandLine.ParentCommand
    private RegistryCommand registry;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The CSV file.")
    Path file;

    @Override
    public Integer call() throws IOException {
        VehicleRegistry target = registry.open(false);
        VehicleRegistry.ImportReport report;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            report = target.importCsv(in);
        } catch (NoSuchFileException e) {
            throw new BadInputException("no such file: " + file);
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof CharacterCodingException) {
                throw new BadInputException(file + " is not UTF-8 text; lines before the unreadable one were imported");
            }
            throw e;
        }
        PrintWriter err = spec.commandLine().getErr();
        for (VehicleRegistry.LineError e : report.errors()) {
            err.printf("%s:%d: %s%n", file.getFileName(), e.line(), e.message());
        }
        spec.commandLine().getOut().printf("imported %d vehicle(s), refused %d line(s)%n", report.imported(),
                report.errors().size());
        return report.errors().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
    }
}
