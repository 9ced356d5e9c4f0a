package io.cms.provisioning.claim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;

/**
 * The shared claim certificate with its key pair, as kept in the secret
 * {@code {app}/provisioning/provisioning-credentials}. The JSON shape is the original CMS's
 * ({@code certificateArn, certificateId, certificatePem, keyPair{PublicKey, PrivateKey}}), so a
 * secret written by an original deployment loads unchanged.
 *
 * @param certificateId the 64-hex-character IoT certificate id (SHA-256 of the certificate)
 * @param certificateArn the certificate's ARN
 * @param certificatePem the certificate
 * @param publicKey the public key (PEM)
 * @param privateKey the private key (PEM); never logged
 */
public record ClaimCredentials(String certificateId, String certificateArn, String certificatePem, String publicKey,
                               String privateKey) {

    /** The secret's JSON text. */
    public String toSecretString() {
        ObjectNode node = Json.object();
        node.put("certificateArn", certificateArn);
        node.put("certificateId", certificateId);
        node.put("certificatePem", certificatePem);
        ObjectNode keys = node.putObject("keyPair");
        keys.put("PublicKey", publicKey);
        keys.put("PrivateKey", privateKey);
        return Json.write(node);
    }

    /**
     * Reads a secret's JSON text.
     *
     * @throws BadInputException naming the missing field when it is not a claim-credentials secret
     */
    public static ClaimCredentials fromSecretString(String secret) {
        JsonNode node;
        try {
            node = Json.parse(secret);
        } catch (RuntimeException e) {
            // The parser's message may quote the text, which holds a private key.
            throw new BadInputException("the claim-credentials secret is not JSON");
        }
        if (!node.isObject()) {
            throw new BadInputException("the claim-credentials secret must be a JSON object");
        }
        return new ClaimCredentials(
                Json.requiredText(node, "certificateId"),
                Json.requiredText(node, "certificateArn"),
                Json.requiredText(node, "certificatePem"),
                Json.requiredText(node.path("keyPair"), "PublicKey"),
                Json.requiredText(node.path("keyPair"), "PrivateKey"));
    }

    /** Same certificate with the id and ARN IoT gave it when it was registered again. */
    public ClaimCredentials registeredAs(String id, String arn) {
        return new ClaimCredentials(id, arn, certificatePem, publicKey, privateKey);
    }

    @Override
    public String toString() {
        return "ClaimCredentials[certificateId=" + certificateId + ", certificateArn=" + certificateArn + "]";
    }
}
