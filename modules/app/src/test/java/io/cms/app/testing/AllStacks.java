package io.cms.app.testing;

import io.cms.app.CmsApp;
import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.CmsSynth;
import io.cms.constructs.deploy.CmsPermissionsBoundary;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.cxapi.CloudAssembly;

/**
 * Every module's stack in ONE App, synthesized once per test JVM: jsii starts once and the
 * synthesis is shared by every stack test class (a new App per class costs seconds each).
 */
public final class AllStacks {

    private static AllStacks instance;

    private final Map<CmsModule, CmsModuleStack> stacks = new EnumMap<>(CmsModule.class);
    private final Map<CmsModule, Template> templates = new EnumMap<>(CmsModule.class);
    private final Stack boundary;
    private final CloudAssembly assembly;
    private final Path outdir;

    private AllStacks() {
        this.outdir = Paths.get("target", "cdk.out-test").toAbsolutePath();
        App app = new App(AppProps.builder()
                .outdir(outdir.toString())
                .context(Map.of("appUniqueId", "cms", "identityProviderId", "cms", "vpcName", "cms-vpc"))
                .build());
        List<CmsModuleStack> built = CmsSynth.build(app, CmsApp.factories());
        built.forEach(s -> stacks.put(s.module(), s));
        this.boundary = (Stack) app.getNode().findChild(CmsPermissionsBoundary.STACK_ID);
        this.assembly = app.synth();
    }

    /** The shared instance, built on first use. */
    public static synchronized AllStacks get() {
        if (instance == null) {
            instance = new AllStacks();
        }
        return instance;
    }

    public CmsModuleStack stack(CmsModule module) {
        CmsModuleStack stack = stacks.get(module);
        if (stack == null) {
            throw new IllegalArgumentException(module + " has no stack in CmsApp.factories()");
        }
        return stack;
    }

    /** The stack's template, parsed once. */
    public synchronized Template template(CmsModule module) {
        return templates.computeIfAbsent(module, m -> Template.fromStack(stack(m)));
    }

    /** The permissions boundary stack ({@code cms-cms-permissions-boundary}), not a module stack. */
    public Stack boundaryStack() {
        return boundary;
    }

    public CloudAssembly assembly() {
        return assembly;
    }

    public Path outdir() {
        return outdir;
    }

    public Map<CmsModule, CmsModuleStack> stacks() {
        return stacks;
    }
}
