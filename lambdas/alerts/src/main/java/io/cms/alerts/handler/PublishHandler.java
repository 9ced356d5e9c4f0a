package io.cms.alerts.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.AlertPublisher;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import io.cms.lambda.common.appsync.FieldResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AppSync resolver of the publish API's {@code Mutation.publish(vin, alarmType, message)}. Success
 * answers {@code {status: SUCCESS, message: <message id>}}; any failure is a GraphQL error.
 */
public final class PublishHandler implements RequestStreamHandler, FieldResolver {

    private static final Logger LOG = LoggerFactory.getLogger(PublishHandler.class);

    private final AlertPublisher publisher;

    public PublishHandler() {
        this(AlertsWiring.fromSystem().publisher());
    }

    public PublishHandler(AlertPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(Json.write(resolve(AppSyncRequest.from(Json.parse(input)))).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Resolves one request; exceptions become GraphQL errors. */
    public ObjectNode resolve(AppSyncRequest request) {
        try {
            if (!"publish".equals(request.fieldName())) {
                throw new BadInputException("the publish API has no field '" + request.fieldName() + "'");
            }
            String id = publisher.publish(request.text("vin"), request.text("alarmType"), request.text("message"));
            ObjectNode response = Json.object();
            response.put("status", "SUCCESS");
            response.put("message", id);
            return response;
        } catch (RuntimeException e) {
            throw ResolverErrors.translate(e, request.fieldName(), LOG);
        }
    }
}
