package io.cms.cli;

/** The exit codes of {@code cms}, the same for every subcommand. */
public final class ExitCodes {

    /** Done. */
    public static final int OK = 0;
    /** A service call failed (AWS, network, emulator). */
    public static final int FAILURE = 1;
    /** Bad arguments or missing configuration: nothing was changed. */
    public static final int USAGE = 2;
    /** Part of the work was done; the rest was refused (e.g. some CSV lines). */
    public static final int PARTIAL = 3;
    /** What the command names does not exist. */
    public static final int NOT_FOUND = 4;

    private ExitCodes() {
    }
}
