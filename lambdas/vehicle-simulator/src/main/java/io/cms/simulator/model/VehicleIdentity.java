package io.cms.simulator.model;

import java.util.List;
import java.util.Random;

/**
 * Who a simulated vehicle is. The VIN is fixed for the vehicle's whole life (the original
 * simulator sent a random VIN with every message).
 *
 * @param vin the 17-character VIN
 * @param make the brand
 * @param model the model
 * @param year the model year
 */
public record VehicleIdentity(String vin, String make, String model, int year) {

    private static final String VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789";
    private static final List<String[]> MODELS = List.of(
            new String[] {"Volta", "E-Motion"}, new String[] {"Volta", "Cargo"}, new String[] {"Northwind", "Aurora"},
            new String[] {"Northwind", "Fjord"}, new String[] {"Kestrel", "K3"});

    /** The largest number {@link #vin} takes: the last six characters of the VIN are the number. */
    public static final long MAX_NUMBER = 999_999;

    /**
     * A syntactically valid VIN (17 chars, no I/O/Q) made from a prefix and a number in
     * [0, {@link #MAX_NUMBER}], stable for the same inputs; the prefix is case-insensitive (a VIN is upper case).
     */
    public static String vin(String prefix, long number) {
        if (number < 0 || number > MAX_NUMBER) {
            throw new IllegalArgumentException("VIN number " + number + " is out of range: 0 to " + MAX_NUMBER
                    + " (the last six characters of the VIN)");
        }
        String p = prefix.toUpperCase(java.util.Locale.ROOT);
        if (p.length() > 8 || !p.chars().allMatch(c -> VIN_CHARS.indexOf(c) >= 0)) {
            throw new IllegalArgumentException("VIN prefix '" + prefix + "' must be at most 8 VIN characters"
                    + " (letters and digits without I, O and Q)");
        }
        StringBuilder vin = new StringBuilder(p);
        // Seeded by the upper-case prefix, so 'tst' and 'TST' give the same VINs.
        Random r = new Random(number * 31 + p.hashCode());
        while (vin.length() < 11) {
            vin.append(VIN_CHARS.charAt(r.nextInt(VIN_CHARS.length())));
        }
        String serial = String.format("%06d", number);
        vin.setLength(11);
        return vin + serial;
    }

    /** A plausible identity for the vehicle with this VIN. */
    public static VehicleIdentity forVin(String vin) {
        Random r = new Random(vin.hashCode());
        String[] m = MODELS.get(r.nextInt(MODELS.size()));
        return new VehicleIdentity(vin, m[0], m[1], 2021 + r.nextInt(5));
    }
}
