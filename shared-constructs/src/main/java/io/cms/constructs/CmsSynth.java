package io.cms.constructs;

import io.cms.constructs.aspects.SecurityInvariants;
import io.cms.constructs.deploy.CmsPermissionsBoundary;
import io.cms.constructs.deploy.OneClick;
import io.cms.constructs.nag.Nag;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.CloudFormationStackArtifact;
import software.amazon.awscdk.cloudassembly.schema.ArtifactMetadataEntryType;

/**
 * Synthesizes module stacks in ONE App and one JVM (about 5 s for all modules instead of about 50 s
 * for one JVM per module), with cdk-nag and the security invariants applied, and fails when any
 * error, unsuppressed cdk-nag finding or invariant violation is found.
 */
public final class CmsSynth {

    private CmsSynth() {
    }

    /**
     * An App writing to {@code CDK_OUTDIR} (set by the CDK CLI) or {@code cdk.out}. In one-click mode
     * ({@code oneClick=true}, see {@link OneClick}) its stacks read Lambda code from the regional
     * asset bucket instead of the CDK bootstrap bucket and carry no bootstrap-version rule.
     */
    public static App newApp() {
        String outdir = System.getenv("CDK_OUTDIR");
        AppProps.Builder props = AppProps.builder().outdir(outdir == null || outdir.isBlank() ? "cdk.out" : outdir);
        OneClick.fromProcess().ifPresent(oneClick -> props.defaultStackSynthesizer(oneClick.synthesizer()));
        return new App(props.build());
    }

    /**
     * Adds the stack {@code {app}-cms-permissions-boundary} (construct id
     * {@value CmsPermissionsBoundary#STACK_ID}, whatever the module selection: every module stack needs it) and
     * the selected modules' stacks (context {@code module}: a short name or comma list; all when absent) to
     * {@code app}, plus cdk-nag, the invariants and that permissions boundary {@code {app}-permissions-boundary}
     * on every IAM role of every stack, including the roles CDK creates for its own providers. Returns the
     * module stacks in order.
     */
    public static List<CmsModuleStack> build(App app, List<ModuleStackFactory> factories) {
        CmsContext context = CmsContext.from(app.getNode());
        Set<CmsModule> selected = selected(context, factories);
        CmsPermissionsBoundary.addStack(app, context);
        List<CmsModuleStack> stacks = new ArrayList<>();
        for (ModuleStackFactory factory : factories) {
            if (selected.contains(factory.module())) {
                stacks.add(factory.create(app, context));
            }
        }
        CmsPermissionsBoundary.applyTo(app, context.appUniqueId());
        Nag.apply(app);
        Aspects.of(app).add(new SecurityInvariants());
        return stacks;
    }

    /** The problems in a synthesized assembly: errors and cdk-nag warnings, one line each. */
    public static List<String> problems(CloudAssembly assembly) {
        List<String> problems = new ArrayList<>();
        for (CloudFormationStackArtifact stack : assembly.getStacks()) {
            stack.getMessages().forEach(m -> {
                String level = m.getLevel().toString().toLowerCase(java.util.Locale.ROOT);
                String text = String.valueOf(m.getEntry().getData());
                boolean nagWarning = level.contains("warn") && text.contains("AwsSolutions-");
                if (level.contains("error") || nagWarning) {
                    problems.add(stack.getStackName() + " " + m.getId() + ": " + text.lines().findFirst().orElse(text));
                }
            });
        }
        return problems;
    }

    /** Entry point used by every module app and the all-modules app. Returns the exit code. */
    public static int run(List<ModuleStackFactory> factories, PrintStream out) {
        long start = System.nanoTime();
        App app;
        try {
            app = newApp();
            build(app, factories);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // CmsContext and the module factories: the message names the parameter
            out.println("synth failed: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            // e.g. a JsiiException from CDK's own checks: its first line, not a stack trace
            out.println("synth failed: " + buildFailure(e));
            return 2;
        }
        CloudAssembly assembly = app.synth();
        List<String> problems = problems(assembly);
        for (CloudFormationStackArtifact stack : assembly.getStacks()) {
            out.println("  " + stack.getStackName() + " -> " + stack.getTemplateFullPath());
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (!problems.isEmpty()) {
            out.println("synth found " + problems.size() + " problem(s):");
            problems.forEach(p -> out.println("  " + p));
            return 1;
        }
        out.printf("synthesized %d stack(s) in %.1f s with zero unsuppressed cdk-nag findings%n",
                assembly.getStacks().size(), ms / 1000.0);
        return 0;
    }

    /**
     * A one-line message for a failure to build the stacks. Settings cannot cause one: CmsContext
     * validates them first, and each starts with a letter, so the stack names they start pass CDK.
     */
    static String buildFailure(RuntimeException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String first = message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(message);
        return "could not build the stacks: " + first;
    }

    private static Set<CmsModule> selected(CmsContext context, List<ModuleStackFactory> factories) {
        String raw = context.value("module", null);
        Set<CmsModule> all = new LinkedHashSet<>();
        factories.forEach(f -> all.add(f.module()));
        if (raw == null || raw.equals("all")) {
            return all;
        }
        Set<CmsModule> selected = new LinkedHashSet<>();
        for (String name : Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
            CmsModule module = CmsModule.fromShortName(name);
            if (!all.contains(module)) {
                throw new IllegalArgumentException("Module '" + name + "' has no CDK app yet; available: "
                        + all.stream().map(CmsModule::shortName).toList());
            }
            selected.add(module);
        }
        return selected;
    }

    @SuppressWarnings("unused")
    private static final ArtifactMetadataEntryType ERROR = ArtifactMetadataEntryType.ERROR;
}
