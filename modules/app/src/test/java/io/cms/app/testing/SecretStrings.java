package io.cms.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Template;

/**
 * Reads the {@code SecretString} of a synthesized secret as JSON. Values CloudFormation resolves
 * at deploy time ({@code Ref}, {@code Fn::GetAtt} inside an {@code Fn::Join}) become
 * {@code <deploy-time>} so the document's structure and keys can be checked.
 */
public final class SecretStrings {

    public static final String DEPLOY_TIME = "<deploy-time>";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SecretStrings() {
    }

    /** The JSON content of the one secret named {@code name}; fails when there is not exactly one. */
    @SuppressWarnings("unchecked")
    public static JsonNode of(Template template, String name) {
        Map<String, Map<String, Object>> found = template.findResources("AWS::SecretsManager::Secret",
                Map.of("Properties", Map.of("Name", name)));
        if (found.size() != 1) {
            throw new AssertionError("expected one secret named " + name + ", found " + found.size());
        }
        Map<String, Object> properties = (Map<String, Object>) found.values().iterator().next().get("Properties");
        return parse(properties.get("SecretString"));
    }

    @SuppressWarnings("unchecked")
    static JsonNode parse(Object secretString) {
        String json;
        if (secretString instanceof String s) {
            json = s;
        } else if (secretString instanceof Map<?, ?> map && map.containsKey("Fn::Join")) {
            List<Object> join = (List<Object>) map.get("Fn::Join");
            StringBuilder out = new StringBuilder();
            for (Object part : (List<Object>) join.get(1)) {
                out.append(part instanceof String s ? s : DEPLOY_TIME);
            }
            json = out.toString();
        } else {
            throw new AssertionError("SecretString is neither a string nor an Fn::Join: " + secretString);
        }
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("SecretString is not JSON: " + json, e);
        }
    }
}
