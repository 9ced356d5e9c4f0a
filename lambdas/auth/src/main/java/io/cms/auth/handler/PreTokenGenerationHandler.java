package io.cms.auth.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cms.auth.AccessTokenEmailClaim;
import io.cms.auth.LightJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;

/**
 * Auth Setup's Cognito pre-token-generation trigger (version 2): adds the user's verified email to
 * the access token ({@link AccessTokenEmailClaim}). A malformed event fails the sign-in with a
 * clear message in the function's log rather than issuing a token that silently lacks the claim.
 */
public final class PreTokenGenerationHandler implements RequestStreamHandler {

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Map<String, Object> event;
        try {
            event = LightJson.readObject(input);
        } catch (ParseException e) {
            throw new IllegalArgumentException("the pre-token-generation event is not a JSON object: " + e.getMessage(), e);
        }
        output.write(LightJson.write(AccessTokenEmailClaim.apply(event)).getBytes(StandardCharsets.UTF_8));
    }
}
