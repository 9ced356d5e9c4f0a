package io.cms.lambda.common.customresource;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Base of every custom-resource Lambda. It always answers CloudFormation: SUCCESS with the
 * domain's result, or FAILED with the error's message as the reason. The original CMS swallowed
 * errors (one variant even answered SUCCESS after retries), which left deployments silently
 * half-done; here a failure always fails the stack operation.
 */
public abstract class CustomResourceHandler implements RequestStreamHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CustomResourceHandler.class);
    private static final int MAX_REASON = 3000;

    private final CustomResourceResponder responder;

    protected CustomResourceHandler(CustomResourceResponder responder) {
        this.responder = responder;
    }

    /** Domain logic for Create. */
    protected abstract CustomResourceResult onCreate(CustomResourceRequest request) throws Exception;

    /** Domain logic for Update. */
    protected abstract CustomResourceResult onUpdate(CustomResourceRequest request) throws Exception;

    /** Domain logic for Delete. */
    protected abstract CustomResourceResult onDelete(CustomResourceRequest request) throws Exception;

    @Override
    public final void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.parse(input);
        ObjectNode answer = handle(event, context == null ? null : context.getLogStreamName());
        output.write(Json.write(answer).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Handles one event and delivers the answer. Returns the answer sent. Throws only when the
     * event has no usable ResponseURL or the answer could not be delivered, so Lambda's retry kicks in.
     */
    public final ObjectNode handle(JsonNode event, String logStream) {
        CustomResourceRequest request = CustomResourceRequest.parse(event);
        ObjectNode answer = Json.object();
        answer.put("StackId", request.stackId());
        answer.put("RequestId", request.requestId());
        answer.put("LogicalResourceId", request.logicalResourceId());
        try {
            CustomResourceResult result = switch (request.requestType()) {
                case Create -> onCreate(request);
                case Update -> onUpdate(request);
                case Delete -> onDelete(request);
            };
            answer.put("Status", "SUCCESS");
            answer.put("PhysicalResourceId", physicalId(request, result.physicalResourceId()));
            answer.set("Data", Json.object(result.data()));
            LOG.info("{} {} {} succeeded", request.resourceType(), request.logicalResourceId(), request.requestType());
        } catch (Exception e) {
            LOG.error("{} {} {} failed", request.resourceType(), request.logicalResourceId(), request.requestType(), e);
            answer.put("Status", "FAILED");
            answer.put("PhysicalResourceId", physicalId(request, null));
            answer.put("Reason", reason(e, logStream));
        }
        try {
            responder.send(request.responseUrl(), Json.write(answer));
        } catch (IOException e) {
            throw new UncheckedIOException("could not deliver the custom-resource answer", e);
        }
        return answer;
    }

    private static String physicalId(CustomResourceRequest request, String fromResult) {
        if (fromResult != null && !fromResult.isBlank()) {
            return fromResult;
        }
        if (request.physicalResourceId() != null && !request.physicalResourceId().isBlank()) {
            return request.physicalResourceId();
        }
        return request.logicalResourceId();
    }

    private static String reason(Exception e, String logStream) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String reason = message + (logStream == null ? "" : " (log stream " + logStream + ")");
        return reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
    }
}
