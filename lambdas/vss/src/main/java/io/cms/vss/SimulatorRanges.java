package io.cms.vss;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ranges a simulator may draw each numeric signal from, derived from the catalog so that
 * every simulated value passes validation: the catalog bounds, else the datatype's bounds capped
 * to a sane magnitude for signals VSS leaves open.
 */
public final class SimulatorRanges {

    /** Cap for open-ended bounds: no simulated number is larger than this in magnitude. */
    public static final double OPEN_BOUND = 1_000_000;

    /**
     * A closed range.
     *
     * @param min smallest value
     * @param max largest value
     * @param integer whether only whole numbers are valid
     */
    public record Range(double min, double max, boolean integer) {

        /** Whether {@code value} lies inside the range (and is whole when it must be). */
        public boolean contains(double value) {
            return value >= min && value <= max && (!integer || value == Math.rint(value));
        }

        /** The value at fraction {@code f} (0..1) of the range, whole when it must be. */
        public double at(double f) {
            double v = min + (max - min) * Math.max(0, Math.min(1, f));
            return integer ? Math.max(min, Math.min(max, Math.rint(v))) : v;
        }
    }

    private SimulatorRanges() {
    }

    /** The range of every numeric signal, by VSS path, in catalog order. */
    public static Map<String, Range> of(VssCatalog catalog) {
        Map<String, Range> out = new LinkedHashMap<>();
        for (Signal s : catalog.signals()) {
            if (!s.datatype().isNumeric()) {
                continue;
            }
            double min = Math.max(s.effectiveMin(), -OPEN_BOUND);
            double max = Math.min(s.effectiveMax(), OPEN_BOUND);
            boolean integer = s.datatype().kind() == VssDatatype.Kind.INTEGER;
            if (integer) {
                min = Math.ceil(min);
                max = Math.floor(max);
            }
            out.put(s.path(), new Range(min, max, integer));
        }
        return out;
    }
}
