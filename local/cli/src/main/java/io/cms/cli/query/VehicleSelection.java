package io.cms.cli.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.cms.lambda.common.BadInputException;
import io.cms.vss.GraphQlSchema;
import io.cms.vss.Signal;
import io.cms.vss.SignalTree;
import io.cms.vss.VssCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The GraphQL selection of the API's {@code Vehicle} type for some VSS signals, and the way back
 * from a returned vehicle to {@code path = value} lines. Both come from the VSS catalog, as the API
 * schema does, so the CLI asks for exactly the fields the API has.
 */
final class VehicleSelection {

    private final VssCatalog catalog;
    private final List<Signal> signals;

    private VehicleSelection(VssCatalog catalog, List<Signal> signals) {
        this.catalog = catalog;
        this.signals = signals;
    }

    /** Every signal of the catalog. */
    static VehicleSelection all(VssCatalog catalog) {
        return new VehicleSelection(catalog, catalog.signals());
    }

    /** The named signals; an unknown one is a usage error listing a few known ones. */
    static VehicleSelection of(VssCatalog catalog, List<String> paths) {
        List<Signal> chosen = new ArrayList<>();
        for (String path : paths) {
            chosen.add(catalog.signal(path.trim()).orElseThrow(() -> new BadInputException("unknown signal '" + path
                    + "'; signals are VSS paths such as Vehicle.Speed or Vehicle.Powertrain.TractionBattery.StateOfCharge.Current")));
        }
        if (chosen.isEmpty()) {
            throw new BadInputException("name at least one signal");
        }
        return new VehicleSelection(catalog, chosen);
    }

    /** The signal paths, as the history query takes them. */
    List<String> paths() {
        return signals.stream().map(Signal::path).toList();
    }

    /** {@code { vin timestamp speed { value } ... }}. */
    String selection() {
        Set<String> wanted = new java.util.HashSet<>(paths());
        StringBuilder out = new StringBuilder("{ vin timestamp");
        for (SignalTree top : catalog.tree().children().values()) {
            for (Map.Entry<String, SignalTree> e : top.children().entrySet()) {
                append(out, e.getKey(), e.getValue(), wanted);
            }
        }
        return out.append(" }").toString();
    }

    private static boolean contains(SignalTree node, Set<String> wanted) {
        if (node.isLeaf()) {
            return wanted.contains(node.signal().path());
        }
        return node.children().values().stream().anyMatch(c -> contains(c, wanted));
    }

    private static void append(StringBuilder out, String name, SignalTree node, Set<String> wanted) {
        if (!contains(node, wanted)) {
            return;
        }
        out.append(' ').append(GraphQlSchema.field(name));
        if (node.isLeaf()) {
            out.append(" { value }");
            return;
        }
        out.append(" {");
        for (Map.Entry<String, SignalTree> e : node.children().entrySet()) {
            append(out, e.getKey(), e.getValue(), wanted);
        }
        out.append(" }");
    }

    /** The selected signals' values in a returned vehicle, by VSS path (absent values left out). */
    Map<String, JsonNode> values(JsonNode vehicle) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (Signal s : signals) {
            JsonNode node = vehicle;
            List<String> segments = s.segments();
            for (String segment : segments.subList(1, segments.size())) {
                node = node.path(GraphQlSchema.field(segment));
            }
            JsonNode value = node.path("value");
            if (!value.isMissingNode() && !value.isNull()) {
                out.put(s.path(), value);
            }
        }
        return out;
    }

    /** {@code unit} of a signal, or empty. */
    String unit(String path) {
        return catalog.signal(path).map(Signal::unit).orElse("");
    }
}
