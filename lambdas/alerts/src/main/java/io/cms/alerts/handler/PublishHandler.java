package io.cms.alerts.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.AccessDeniedException;
import io.cms.alerts.AlertPublisher;
import io.cms.alerts.CallerIdentity;
import io.cms.alerts.PublishScopes;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import io.cms.lambda.common.appsync.FieldResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AppSync resolver of the publish API's {@code Mutation.publish(vin, alarmType, message, idempotencyKey)}
 * (the key is optional; see {@link io.cms.alerts.Alert#idempotencyKey()}). Success
 * answers {@code {status: SUCCESS, message: <message id>}}; any failure is a GraphQL error.
 *
 * <p>Only callers whose token carries one of the configured publish scopes ({@code PUBLISH_SCOPES},
 * the backend service scope by default) may publish: the Lambda authorizer accepts every signed-in
 * user, and an alert is e-mailed to every subscriber of its VIN. The caller is taken from
 * {@code identity.resolverContext} (see {@link CallerIdentity}); without one the request is refused.
 */
public final class PublishHandler implements RequestStreamHandler, FieldResolver {

    private static final Logger LOG = LoggerFactory.getLogger(PublishHandler.class);

    private final AlertPublisher publisher;
    private final PublishScopes publishScopes;

    public PublishHandler() {
        this(AlertsWiring.fromSystem());
    }

    private PublishHandler(AlertsWiring wiring) {
        // The publish scopes first: a function without PUBLISH_SCOPES is refused before any client is built.
        this(wiring.publishScopes(), wiring.publisher());
    }

    /** A handler that publishes through {@code publisher} for callers holding one of {@code publishScopes}. */
    public PublishHandler(PublishScopes publishScopes, AlertPublisher publisher) {
        this.publishScopes = java.util.Objects.requireNonNull(publishScopes, "publishScopes");
        this.publisher = java.util.Objects.requireNonNull(publisher, "publisher");
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(Json.write(resolve(AppSyncRequest.from(Json.parse(input)))).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Resolves one request; exceptions become GraphQL errors. */
    public ObjectNode resolve(AppSyncRequest request) {
        try {
            // Administrators of subscriptions get no say here: only the publish scopes admit.
            requireMayPublish(CallerIdentity.fromAppSyncIdentity(request.identity(), Set.of()));
            if (!"publish".equals(request.fieldName())) {
                throw new BadInputException("the publish API has no field '" + request.fieldName() + "'");
            }
            String id = publisher.publish(request.text("vin"), request.text("alarmType"), request.text("message"),
                    request.optionalText("idempotencyKey"));
            ObjectNode response = Json.object();
            response.put("status", "SUCCESS");
            response.put("message", id);
            return response;
        } catch (RuntimeException e) {
            throw ResolverErrors.translate(e, request.fieldName(), LOG);
        }
    }

    /**
     * Refuses a caller without a publish scope. The message (which is also logged) names neither the
     * caller's token content nor the scopes it holds.
     */
    private void requireMayPublish(CallerIdentity caller) {
        if (!publishScopes.admit(caller.scopes())) {
            throw new AccessDeniedException("publishing alerts needs a publish scope (PUBLISH_SCOPES);"
                    + " the caller's token carries none");
        }
    }
}
