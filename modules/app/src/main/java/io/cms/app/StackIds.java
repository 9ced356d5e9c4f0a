package io.cms.app;

import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.ModuleStackFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the construct ids of the stacks the all-modules app can build, as JSON strings, one per
 * line; with arguments (short names, comma or space separated) only those. Used by
 * {@code make deploy}/{@code make destroy} to select stacks without synthesizing.
 */
public final class StackIds {

    private StackIds() {
    }

    public static void main(String[] args) {
        List<CmsModule> available = new ArrayList<>();
        for (ModuleStackFactory f : CmsApp.factories()) {
            available.add(f.module());
        }
        List<CmsModule> wanted = new ArrayList<>();
        for (String arg : args) {
            for (String name : arg.split("[,\\s]+")) {
                if (!name.isBlank()) {
                    CmsModule module = CmsModule.fromShortName(name.trim());
                    if (!available.contains(module)) {
                        System.err.println("Module '" + name + "' has no CDK app yet");
                        System.exit(2);
                    }
                    wanted.add(module);
                }
            }
        }
        for (CmsModule m : wanted.isEmpty() ? available : wanted) {
            System.out.println(wanted.isEmpty() ? "\"" + CmsModuleStack.constructIdOf(m) + "\"" : CmsModuleStack.constructIdOf(m));
        }
    }
}
