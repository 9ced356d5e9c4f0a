package io.cms.alerts.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cms.alerts.AlertsConfig;
import io.cms.alerts.CallerIdentity;
import io.cms.alerts.Notification;
import io.cms.alerts.NotificationQueries;
import io.cms.alerts.Page;
import io.cms.alerts.UserSubscriptions;
import io.cms.lambda.common.BadInputException;
import io.cms.lambda.common.Json;
import io.cms.lambda.common.appsync.AppSyncRequest;
import io.cms.lambda.common.appsync.FieldResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AppSync resolver of the frontend API: {@code getUserSubscriptions}, {@code updateUserSubscriptions},
 * {@code listNotifications} and {@code markNotificationRead}. The caller is taken from
 * {@code identity.resolverContext} (see {@link CallerIdentity} for the authorizer contract).
 */
public final class FrontendHandler implements RequestStreamHandler, FieldResolver {

    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);

    private final UserSubscriptions subscriptions;
    private final NotificationQueries notifications;
    private final Set<String> adminScopes;

    public FrontendHandler() {
        this(AlertsWiring.fromSystem());
    }

    private FrontendHandler(AlertsWiring wiring) {
        this(wiring.subscriptions(), wiring.queries(), wiring.config());
    }

    public FrontendHandler(UserSubscriptions subscriptions, NotificationQueries notifications, AlertsConfig config) {
        this.subscriptions = subscriptions;
        this.notifications = notifications;
        this.adminScopes = config.adminScopes();
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        output.write(Json.write(resolve(AppSyncRequest.from(Json.parse(input)))).getBytes(StandardCharsets.UTF_8));
    }

    /** Resolves one request; exceptions become GraphQL errors. */
    public JsonNode resolve(AppSyncRequest request) {
        try {
            CallerIdentity caller = CallerIdentity.fromAppSyncIdentity(request.identity(), adminScopes);
            switch (request.fieldName()) {
                case "getUserSubscriptions":
                    return preference(subscriptions.get(caller, request.text("email")));
                case "updateUserSubscriptions":
                    return BooleanNode.valueOf(subscriptions.update(caller, request.text("email"),
                            changes(request.arguments().get("alarms"))));
                case "listNotifications":
                    return page(notifications.list(caller, request.text("vin"), request.optionalText("alarmType"),
                            request.optionalInt("limit"), request.optionalText("nextToken")));
                case "markNotificationRead":
                    return notification(notifications.markRead(caller, request.text("id")));
                default:
                    throw new BadInputException("the frontend API has no field '" + request.fieldName() + "'");
            }
        } catch (RuntimeException e) {
            throw ResolverErrors.translate(e, request.fieldName(), LOG);
        }
    }

    private static List<UserSubscriptions.AlarmChange> changes(JsonNode alarms) {
        if (alarms == null || !alarms.isArray()) {
            throw new BadInputException("argument 'alarms' is required and must be a list");
        }
        List<UserSubscriptions.AlarmChange> changes = new ArrayList<>();
        for (JsonNode alarm : alarms) {
            JsonNode enabled = alarm.get("emailEnabled");
            if (enabled == null || !enabled.isBoolean()) {
                throw new BadInputException("every alarm needs a boolean emailEnabled");
            }
            changes.add(new UserSubscriptions.AlarmChange(Json.optionalText(alarm, "alarmType"), enabled.asBoolean(),
                    Json.optionalText(alarm, "vin")));
        }
        return changes;
    }

    private static ObjectNode preference(UserSubscriptions.UserPreference preference) {
        ObjectNode node = Json.object();
        node.put("email", preference.email());
        node.put("emailEnabled", preference.emailEnabled());
        ArrayNode alarms = node.putArray("alarms");
        for (UserSubscriptions.AlarmView alarm : preference.alarms()) {
            alarms.addObject().put("vin", alarm.vin()).put("alarmType", alarm.alarmType())
                    .put("status", alarm.status().name());
        }
        return node;
    }

    private static ObjectNode page(Page<Notification> page) {
        ObjectNode node = Json.object();
        ArrayNode items = node.putArray("items");
        page.items().forEach(n -> items.add(notification(n)));
        node.put("nextToken", page.nextToken());
        return node;
    }

    private static ObjectNode notification(Notification n) {
        ObjectNode node = Json.object();
        node.put("id", n.id());
        node.put("vin", n.vin());
        node.put("alarmType", n.alarmType());
        node.put("message", n.message());
        node.put("createdAt", n.createdAt().toString());
        node.put("read", n.read());
        return node;
    }
}
