package io.cms.local;

import picocli.CommandLine;

/** {@code make local}: CMS Local in the foreground (the same as {@code cms local up}). */
public final class CmsLocalMain {

    private CmsLocalMain() {
    }

    public static void main(String[] args) {
        useLocalLogging();
        CommandLine cli = new CommandLine(new LocalUpCommand());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("cms local up: " + e.getMessage());
            return 2;
        });
        System.exit(cli.execute(args));
    }

    /** CMS Local's log configuration (before the first logger is created), unless one was chosen. */
    public static void useLocalLogging() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "cms-local-logback.xml");
        }
    }
}
