package io.cms.modules.vpc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An IPv4 CIDR block, parsed strictly so a typo fails synth with the parameter's name instead of
 * failing half-way through a CloudFormation deployment.
 *
 * @param address the network address as an unsigned 32-bit value
 * @param prefix the prefix length
 */
public record Cidr(long address, int prefix) {

    private static final Pattern FORMAT = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})$");

    /** Parses {@code value} for parameter {@code name}; errors name the parameter. */
    public static Cidr parse(String name, String value) {
        Matcher m = value == null ? null : FORMAT.matcher(value.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("Parameter " + name + " must be an IPv4 CIDR like 10.0.0.0/16, got '" + value + "'");
        }
        long address = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255) {
                throw new IllegalArgumentException("Parameter " + name + " has an octet above 255: '" + value + "'");
            }
            address = (address << 8) | octet;
        }
        int prefix = Integer.parseInt(m.group(5));
        if (prefix < 16 || prefix > 28) {
            throw new IllegalArgumentException("Parameter " + name + " must have a prefix between /16 and /28 (the VPC limits), got '" + value + "'");
        }
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        if ((address & mask) != address) {
            throw new IllegalArgumentException("Parameter " + name + " has host bits set; did you mean "
                    + new Cidr(address & mask, prefix) + "? got '" + value + "'");
        }
        return new Cidr(address, prefix);
    }

    /** The number of addresses in the block. */
    public long size() {
        return 1L << (32 - prefix);
    }

    /** Whether {@code other} lies entirely inside this block. */
    public boolean contains(Cidr other) {
        return other.prefix >= prefix && other.address >= address && other.address + other.size() <= address + size();
    }

    /** Whether the two blocks share any address. */
    public boolean overlaps(Cidr other) {
        return address < other.address + other.size() && other.address < address + size();
    }

    @Override
    public String toString() {
        return ((address >> 24) & 255) + "." + ((address >> 16) & 255) + "." + ((address >> 8) & 255) + "." + (address & 255)
                + "/" + prefix;
    }
}
