package io.cms.local.graphql;

import graphql.ExecutionResult;
import graphql.analysis.QueryTraverser;
import graphql.analysis.QueryVisitorFieldEnvironment;
import graphql.analysis.QueryVisitorStub;
import graphql.execution.AbortExecutionException;
import graphql.execution.ExecutionContext;
import graphql.execution.instrumentation.InstrumentationContext;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecuteOperationParameters;

/**
 * Refuses, before any resolver runs, an operation with more than {@code maxRootFields} root field
 * selections (each one a resolver call, aliases included) or more than {@code maxFields} field
 * selections in all (fragments counted where they are spread). The walk stops at the first field
 * over a limit, so a huge query costs no more than the limit to check.
 */
final class FieldCountInstrumentation extends SimplePerformantInstrumentation {

    private final int maxRootFields;
    private final int maxFields;

    FieldCountInstrumentation(int maxRootFields, int maxFields) {
        if (maxRootFields < 1 || maxFields < maxRootFields) {
            throw new IllegalArgumentException("need 1 <= maxRootFields <= maxFields, got " + maxRootFields + " and " + maxFields);
        }
        this.maxRootFields = maxRootFields;
        this.maxFields = maxFields;
    }

    @Override
    public InstrumentationContext<ExecutionResult> beginExecuteOperation(InstrumentationExecuteOperationParameters parameters,
                                                                         InstrumentationState state) {
        ExecutionContext context = parameters.getExecutionContext();
        int[] roots = {0};
        int[] all = {0};
        QueryTraverser.newQueryTraverser()
                .schema(context.getGraphQLSchema())
                .document(context.getDocument())
                .operationName(context.getExecutionInput().getOperationName())
                .coercedVariables(context.getCoercedVariables())
                .build()
                .visitPreOrder(new QueryVisitorStub() {
                    @Override
                    public void visitField(QueryVisitorFieldEnvironment env) {
                        if (env.getParentEnvironment() == null && ++roots[0] > maxRootFields) {
                            throw new AbortExecutionException("the operation selects more than " + maxRootFields
                                    + " root fields (aliases included); this API allows at most " + maxRootFields
                                    + " per request: split it into several requests");
                        }
                        if (++all[0] > maxFields) {
                            throw new AbortExecutionException("the operation selects more than " + maxFields
                                    + " fields; this API allows at most " + maxFields + " per request");
                        }
                    }
                });
        return super.beginExecuteOperation(parameters, state);
    }
}
