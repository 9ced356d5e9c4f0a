package io.cms.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.lambda.common.Json;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallerIdentityTest {

    private static final Set<String> ADMIN = Set.of("cms-service-resource-server/cms-admin");

    private static ObjectNode identity(String sub, String email, Object scopes) {
        ObjectNode identity = Json.object();
        ObjectNode context = identity.putObject("resolverContext");
        if (sub != null) {
            context.put("sub", sub);
        }
        if (email != null) {
            context.put("email", email);
        }
        if (scopes instanceof String s) {
            context.put("scopes", s);
        } else if (scopes instanceof String[] array) {
            var node = context.putArray("scopes");
            for (String s : array) {
                node.add(s);
            }
        }
        return identity;
    }

    @Test
    void readsTheAuthorizersResolverContext() {
        CallerIdentity caller = CallerIdentity.fromAppSyncIdentity(identity("u1", " Alice@Example.com ", "openid email"), ADMIN);
        assertThat(caller.subject()).isEqualTo("u1");
        assertThat(caller.email()).isEqualTo("alice@example.com");
        assertThat(caller.scopes()).containsExactlyInAnyOrder("openid", "email");
        assertThat(caller.admin()).isFalse();
    }

    @Test
    void anAdminScopeInASpaceSeparatedListMakesAnAdministrator() {
        assertThat(CallerIdentity.fromAppSyncIdentity(identity("u1", null,
                "openid cms-service-resource-server/cms-admin"), ADMIN).admin()).isTrue();
    }

    @Test
    void scopesMayArriveAsAJsonArray() {
        assertThat(CallerIdentity.fromAppSyncIdentity(identity("u1", null,
                new String[] {"cms-service-resource-server/cms-admin"}), ADMIN).admin()).isTrue();
    }

    @Test
    void anAdminScopeOfAnotherDeploymentIsNotEnough() {
        assertThat(CallerIdentity.fromAppSyncIdentity(identity("u1", null,
                "other-service-resource-server/other-admin"), ADMIN).admin()).isFalse();
    }

    @Test
    void aCallerWithoutEmailManagesNobodysSubscriptions() {
        CallerIdentity caller = CallerIdentity.fromAppSyncIdentity(identity("svc", null, "cms/publish"), ADMIN);
        assertThat(caller.mayManage("alice@example.com")).isFalse();
    }

    @Test
    void anUnusableEmailClaimIsTreatedAsNoEmail() {
        CallerIdentity caller = CallerIdentity.fromAppSyncIdentity(identity("u1", "not an email", ""), ADMIN);
        assertThat(caller.email()).isNull();
    }

    @Test
    void noResolverContextIsRefused() {
        assertThatThrownBy(() -> CallerIdentity.fromAppSyncIdentity(Json.object(), ADMIN))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("authorizer");
    }

    @Test
    void aResolverContextWithoutSubjectIsRefused() {
        assertThatThrownBy(() -> CallerIdentity.fromAppSyncIdentity(identity(null, "a@example.com", ""), ADMIN))
                .isInstanceOf(AccessDeniedException.class).hasMessageContaining("subject");
    }
}
