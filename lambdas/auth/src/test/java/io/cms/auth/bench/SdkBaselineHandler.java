package io.cms.auth.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import io.cms.lambda.common.AwsClients;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The cold-start floor: a plain handler that builds one SsmClient the project's way and makes one call. */
public final class SdkBaselineHandler implements RequestStreamHandler {

    private final SsmClient ssm = AwsClients.build(SsmClient.builder());

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
        String value = ssm.getParameter(r -> r.name("/bench/parameter")).parameter().value();
        output.write(("{\"value\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
