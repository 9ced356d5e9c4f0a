package io.cms.cli.testing;

import io.cms.cli.CmsCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code cms} command line in-process as a user types it, capturing what it prints. */
public final class Cms {

    /**
     * One run.
     *
     * @param exit the exit code
     * @param out what it printed on stdout
     * @param err what it printed on stderr
     */
    public record Run(int exit, String out, String err) {
    }

    private Cms() {
    }

    /** {@code cms args...}. */
    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = CmsCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }
}
