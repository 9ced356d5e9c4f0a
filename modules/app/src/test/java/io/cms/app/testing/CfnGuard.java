package io.cms.app.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs cfn-guard (installed by {@code make tools} from the npm package
 * {@code @cdklabs/cdk-validator-cfnguard}) with the AWS Control Tower rules over a template and
 * returns the failures as (control id, rule name, resource) triples.
 */
public final class CfnGuard {

    /** One failed rule on one resource. */
    public record Failure(String control, String rule, String resource) {
        @Override
        public String toString() {
            return control + " (" + rule + ") on " + resource;
        }
    }

    private static final Pattern CONTROL = Pattern.compile("\\[(CT\\.[A-Z0-9.]+)\\]");
    private static final Pattern RESOURCE = Pattern.compile("^/Resources/([^/\\[]+)");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CfnGuard() {
    }

    /** The package folder under deployment/tools. */
    public static Path home(Path repositoryRoot) {
        return repositoryRoot.resolve("deployment/tools/node_modules/@cdklabs/cdk-validator-cfnguard");
    }

    /** Validates one template. */
    public static List<Failure> validate(Path repositoryRoot, Path template) throws IOException, InterruptedException {
        Path home = home(repositoryRoot);
        Path binary = home.resolve("bin/ubuntu/x86_64/cfn-guard");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("cfn-guard is not installed at " + binary + "; run `make tools`");
        }
        Process process = new ProcessBuilder(binary.toString(), "validate",
                "--data", template.toString(),
                "--rules", home.resolve("rules/control-tower/cfn-guard").toString(),
                "--structured", "-o", "json", "--show-summary", "none")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        byte[] out = process.getInputStream().readAllBytes();
        int code = process.waitFor();
        // 0 = all compliant, 19 = some rule failed; anything else is a tool error.
        if (code != 0 && code != 19) {
            throw new IllegalStateException("cfn-guard exited " + code + " on " + template);
        }
        List<Failure> failures = new ArrayList<>();
        JsonNode reports = MAPPER.readTree(new String(out, StandardCharsets.UTF_8));
        for (JsonNode report : reports) {
            for (JsonNode nonCompliant : report.path("not_compliant")) {
                String rule = nonCompliant.path("Rule").path("name").asText();
                String text = nonCompliant.toString();
                Matcher control = CONTROL.matcher(text);
                String controlId = control.find() ? control.group(1) : rule;
                Set<String> resources = new LinkedHashSet<>();
                collectResources(nonCompliant, resources);
                for (String resource : resources) {
                    failures.add(new Failure(controlId, rule, resource));
                }
            }
        }
        return failures;
    }

    private static void collectResources(JsonNode node, Set<String> out) {
        if (node.isObject()) {
            Iterator<java.util.Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                var e = fields.next();
                if ((e.getKey().equals("path") || e.getKey().equals("PropertyPath")) && e.getValue().isTextual()) {
                    Matcher m = RESOURCE.matcher(e.getValue().asText());
                    if (m.find()) {
                        out.add(m.group(1));
                    }
                }
                collectResources(e.getValue(), out);
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectResources(child, out));
        }
    }
}
