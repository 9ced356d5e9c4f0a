package io.cms.app;

import io.cms.constructs.CmsModule;
import io.cms.constructs.CmsModuleStack;
import io.cms.constructs.ModuleStackFactory;
import io.cms.constructs.deploy.CmsPermissionsBoundary;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints the construct ids of the stacks the all-modules app can build, as JSON strings, one per
 * line: the permissions boundary stack first, then every module; with arguments (short names, comma
 * or space separated) only those modules' ids, unquoted. Used by {@code make deploy}/{@code make destroy}
 * to select stacks without synthesizing (the Makefile deploys the boundary stack before a MODULE
 * selection and never destroys it with one: the other modules' roles still carry it).
 */
public final class StackIds {

    private StackIds() {
    }

    /** The lines {@link #main} prints; a short name without a CDK app is an IllegalArgumentException. */
    static List<String> lines(String... args) {
        List<CmsModule> available = new ArrayList<>();
        for (ModuleStackFactory f : CmsApp.factories()) {
            available.add(f.module());
        }
        List<String> wanted = new ArrayList<>();
        for (String arg : args) {
            for (String name : arg.split("[,\\s]+")) {
                if (!name.isBlank()) {
                    CmsModule module = CmsModule.fromShortName(name.trim());
                    if (!available.contains(module)) {
                        throw new IllegalArgumentException("Module '" + name + "' has no CDK app yet");
                    }
                    wanted.add(CmsModuleStack.constructIdOf(module));
                }
            }
        }
        if (!wanted.isEmpty()) {
            return wanted;
        }
        List<String> all = new ArrayList<>();
        all.add("\"" + CmsPermissionsBoundary.STACK_ID + "\"");
        available.forEach(m -> all.add("\"" + CmsModuleStack.constructIdOf(m) + "\""));
        return all;
    }

    public static void main(String[] args) {
        try {
            lines(args).forEach(System.out::println);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }
}
