package io.cms.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cms.app.testing.AllStacks;
import io.cms.constructs.aspects.SecurityInvariants;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;

/**
 * Every {@code AWS::Lambda::Function} of every synthesized template, including the provider functions CDK
 * writes as plain CloudFormation (their {@code LoggingConfig} is an override {@link SecurityInvariants} cannot
 * read), logs to a log group of its own stack that has a retention, and runs on a supported runtime.
 */
class EveryLambdaFunctionLogsWithRetentionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @SuppressWarnings("unchecked")
    void everyFunctionOfEveryStackLogsToALogGroupWithRetention() throws IOException {
        List<String> problems = new ArrayList<>();
        int functions = 0;
        for (CloudFormationStackArtifact artifact : AllStacks.get().assembly().getStacks()) {
            Map<String, Object> template = JSON.readValue(Path.of(artifact.getTemplateFullPath()).toFile(), Map.class);
            Map<String, Map<String, Object>> resources =
                    (Map<String, Map<String, Object>>) template.getOrDefault("Resources", Map.of());
            for (Map.Entry<String, Map<String, Object>> resource : resources.entrySet()) {
                if ("AWS::Lambda::Function".equals(resource.getValue().get("Type"))) {
                    functions++;
                    problems.addAll(problems(artifact.getStackName() + "/" + resource.getKey(), resources));
                }
            }
        }
        assertThat(functions).isGreaterThan(20);
        assertThat(problems).isEmpty();
    }

    @Test
    void aFunctionWithoutLoggingConfigOrWithAnUnretainedLogGroupIsAProblem() {
        Map<String, Map<String, Object>> resources = Map.of(
                "NoLogs", Map.of("Type", "AWS::Lambda::Function", "Properties", Map.of("Runtime", "nodejs22.x")),
                "Unretained", function("Forever"),
                "Forever", Map.of("Type", "AWS::Logs::LogGroup", "Properties", Map.of()),
                "OldRuntime", Map.of("Type", "AWS::Lambda::Function", "Properties", Map.of("Runtime", "nodejs16.x",
                        "LoggingConfig", Map.of("LogGroup", Map.of("Ref", "Kept")))),
                "Kept", Map.of("Type", "AWS::Logs::LogGroup", "Properties", Map.of("RetentionInDays", 90)),
                "Fine", function("Kept"));
        assertThat(problems("S/NoLogs", resources)).singleElement().asString().contains("no LoggingConfig");
        assertThat(problems("S/Unretained", resources)).singleElement().asString().contains("retention");
        assertThat(problems("S/OldRuntime", resources)).singleElement().asString().contains("nodejs16.x");
        assertThat(problems("S/Fine", resources)).isEmpty();
    }

    private static Map<String, Object> function(String logGroup) {
        return Map.of("Type", "AWS::Lambda::Function", "Properties", Map.of("Runtime", "nodejs22.x",
                "LoggingConfig", Map.of("LogGroup", Map.of("Ref", logGroup))));
    }

    /** The problems of function {@code stack/id}: its log group (a Ref in the same template) and runtime. */
    @SuppressWarnings("unchecked")
    private static List<String> problems(String name, Map<String, Map<String, Object>> resources) {
        Map<String, Object> properties = (Map<String, Object>) resources.get(name.substring(name.lastIndexOf('/') + 1))
                .getOrDefault("Properties", Map.of());
        List<String> problems = new ArrayList<>();
        Object runtime = properties.get("Runtime");
        if (runtime != null && !SecurityInvariants.SUPPORTED_RUNTIMES.contains(String.valueOf(runtime))) {
            problems.add(name + ": runtime " + runtime + " is not one of " + SecurityInvariants.SUPPORTED_RUNTIMES);
        }
        Object logGroup = properties.get("LoggingConfig") instanceof Map<?, ?> config ? config.get("LogGroup") : null;
        Object ref = logGroup instanceof Map<?, ?> m ? m.get("Ref") : null;
        Map<String, Object> target = ref == null ? null : resources.get(String.valueOf(ref));
        if (target == null || !"AWS::Logs::LogGroup".equals(target.get("Type"))) {
            problems.add(name + ": no LoggingConfig naming a log group of its stack (JavaFunction; for a CDK provider,"
                    + " ProviderLogs), got " + properties.get("LoggingConfig"));
        } else if (((Map<String, Object>) target.getOrDefault("Properties", Map.of())).get("RetentionInDays") == null) {
            problems.add(name + ": log group " + ref + " has no retention");
        }
        return problems;
    }
}
