package dev.vigil.server.http.webconfig;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network in CIDR notation ({@code 10.1.0.0/16}, {@code fd00::/8}, or one address). */
public final class Cidr {
    private final byte[] network;
    private final int bits;
    private final String text;

    private Cidr(byte[] network, int bits, String text) {
        this.network = network;
        this.bits = bits;
        this.text = text;
    }

    /** @throws IllegalArgumentException when {@code s} is not an address or a network */
    public static Cidr parse(String s) {
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        // Only literals: a host name here would be resolved through DNS on every reload.
        if (addr.isEmpty() || !(addr.indexOf(':') >= 0 || addr.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
            throw new IllegalArgumentException("not an IP address or network: " + s);
        }
        byte[] b;
        try {
            b = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address or network: " + s);
        }
        int bits = b.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in " + s);
            }
            if (bits < 0 || bits > b.length * 8) {
                throw new IllegalArgumentException("bad prefix length in " + s);
            }
        }
        return new Cidr(mask(b, bits), bits, s);
    }

    /** Whether {@code a} lies in this network (an IPv4-mapped IPv6 address counts as its IPv4 address). */
    public boolean contains(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16 && network.length == 4 && isMapped(b)) {
            b = java.util.Arrays.copyOfRange(b, 12, 16);
        }
        return b.length == network.length && java.util.Arrays.equals(mask(b, bits), network);
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] b, int bits) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
