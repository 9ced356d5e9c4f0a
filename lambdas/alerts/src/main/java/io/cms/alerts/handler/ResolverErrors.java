package io.cms.alerts.handler;

import io.cms.alerts.AccessDeniedException;
import io.cms.alerts.NotFoundException;
import io.cms.alerts.NotificationFailedException;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.ConfigurationException;
import org.slf4j.Logger;

/**
 * The one place that decides what a resolver failure looks like to GraphQL callers. A thrown
 * exception becomes a GraphQL error (AppSync puts the Lambda's error type and message in
 * {@code errors[]}); the typed domain exceptions pass through with their caller-safe messages, and
 * anything unexpected is logged and replaced by a generic error so no internals leak.
 */
final class ResolverErrors {

    /** Unexpected failures surface as this type. */
    static final class InternalError extends RuntimeException {

        private static final long serialVersionUID = 1L;

        InternalError(String message) {
            super(message);
        }
    }

    private ResolverErrors() {
    }

    static RuntimeException translate(RuntimeException e, String field, Logger log) {
        if (e instanceof BadInputException || e instanceof AccessDeniedException || e instanceof NotFoundException) {
            log.info("{} refused: {}", field, e.getMessage());
            return e;
        }
        if (e instanceof NotificationFailedException || e instanceof ConfigurationException) {
            log.error("{} failed: {}", field, e.getMessage(), e);
            return e;
        }
        log.error("{} failed unexpectedly", field, e);
        return new InternalError("internal error while resolving " + field + "; see the function's logs");
    }
}
