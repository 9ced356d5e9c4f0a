package io.cms.cli;

import io.cms.cli.local.ApiCallFailedException;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import io.cms.provisioning.VehicleNotFoundException;
import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkException;

/** Maps every failure to one message on stderr and one exit code; no stack traces for the operator. */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        java.io.PrintWriter err = cmd.getErr();
        if (e instanceof VehicleNotFoundException) {
            err.println("cms: " + e.getMessage());
            return ExitCodes.NOT_FOUND;
        }
        if (e instanceof BadInputException || e instanceof ConfigurationException) {
            err.println("cms: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        if (e instanceof ApiCallFailedException) {
            err.println("cms: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        if (e instanceof SdkException) {
            err.println("cms: the AWS call failed: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        err.println("cms: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        return ExitCodes.FAILURE;
    }
}
