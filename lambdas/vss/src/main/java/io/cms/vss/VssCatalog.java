package io.cms.vss;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The COVESA VSS 4.0 signals CMS uses: the one source of truth for the lake schema, the Glue
 * columns, the GraphQL types and the simulator's ranges (see {@link LakeSchema},
 * {@link GraphQlSchema}, {@link SimulatorRanges}). Loaded from {@code io/cms/vss/catalog.json};
 * immutable and safe to share between threads.
 */
public final class VssCatalog {

    /** Where the catalog lives on the classpath. */
    public static final String RESOURCE = "/io/cms/vss/catalog.json";

    private static volatile VssCatalog standard;

    private final String vssVersion;
    private final List<Signal> signals;
    private final Map<String, Integer> indexByPath;
    private final SignalTree tree;

    private VssCatalog(String vssVersion, List<Signal> signals) {
        this.vssVersion = vssVersion;
        this.signals = List.copyOf(signals);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < this.signals.size(); i++) {
            if (index.put(this.signals.get(i).path(), i) != null) {
                throw new IllegalArgumentException("signal " + this.signals.get(i).path() + " is listed twice");
            }
        }
        this.indexByPath = Collections.unmodifiableMap(index);
        this.tree = SignalTree.of(this.signals);
    }

    /** The catalog shipped with CMS (parsed once per JVM). */
    public static VssCatalog load() {
        VssCatalog c = standard;
        if (c == null) {
            try (InputStream in = VssCatalog.class.getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("VSS catalog " + RESOURCE + " is missing from the classpath");
                }
                c = parse(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read VSS catalog " + RESOURCE, e);
            }
            standard = c;
        }
        return c;
    }

    /**
     * Parses a catalog document ({@code {"vssVersion": "4.0", "signals": [{path, datatype, unit,
     * min, max, description, allowed, pattern}]}}).
     *
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static VssCatalog parse(InputStream json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json);
        if (root == null || !root.path("signals").isArray()) {
            throw new IllegalArgumentException("VSS catalog needs a 'signals' array");
        }
        List<Signal> signals = new ArrayList<>();
        for (JsonNode s : root.get("signals")) {
            String path = text(s, "path");
            if (path == null || !path.matches("^Vehicle(\\.[A-Z][A-Za-z0-9]*)+$")) {
                throw new IllegalArgumentException("signal path '" + path + "' is not a canonical VSS path (Vehicle.Branch.Leaf)");
            }
            String datatype = text(s, "datatype");
            if (datatype == null) {
                throw new IllegalArgumentException(path + ": datatype is missing");
            }
            List<String> allowed = new ArrayList<>();
            s.path("allowed").forEach(a -> allowed.add(a.asText()));
            Pattern pattern = null;
            String regex = text(s, "pattern");
            if (regex != null) {
                try {
                    pattern = Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(path + ": bad pattern " + regex, e);
                }
            }
            signals.add(new Signal(path, VssDatatype.ofVssName(datatype), text(s, "unit"), number(s, "min"),
                    number(s, "max"), text(s, "description"), allowed, pattern));
        }
        return new VssCatalog(root.path("vssVersion").asText("4.0"), signals);
    }

    /** The VSS release the paths come from. */
    public String vssVersion() {
        return vssVersion;
    }

    /** Every signal, in catalog order (the order of lake columns). */
    public List<Signal> signals() {
        return signals;
    }

    /** The signal at canonical path {@code path}, if the catalog has it. */
    public Optional<Signal> signal(String path) {
        Integer i = indexByPath.get(path);
        return i == null ? Optional.empty() : Optional.of(signals.get(i));
    }

    /** The position of {@code path} in {@link #signals()}, or -1. */
    public int indexOf(String path) {
        Integer i = indexByPath.get(path);
        return i == null ? -1 : i;
    }

    /** The signals as a tree of VSS branches, for walking nested JSON. */
    public SignalTree tree() {
        return tree;
    }

    /**
     * Checks a value reported for {@code path}.
     *
     * @return the problem, or empty when the value is valid
     * @throws IllegalArgumentException when {@code path} is not in the catalog
     */
    public Optional<Violation> validate(String path, JsonNode value) {
        return signal(path).orElseThrow(() -> new IllegalArgumentException("'" + path + "' is not a catalog signal"))
                .check(value);
    }

    /** Signals by path, in catalog order. */
    public Map<String, Signal> byPath() {
        Map<String, Signal> out = new LinkedHashMap<>();
        signals.forEach(s -> out.put(s.path(), s));
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Double number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(text(node, "path") + ": " + field + " must be a number");
        }
        return v.doubleValue();
    }
}
