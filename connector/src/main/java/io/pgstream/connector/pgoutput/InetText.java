package io.pgstream.connector.pgoutput;

/**
 * Writes the text form PostgreSQL gives {@code inet}, {@code cidr} and {@code macaddr} values from
 * their binary send form, so binary format decodes to the same string as text format: IPv6 with the
 * longest run of zero groups (at least two) compressed, lower-case hex, an embedded IPv4 tail for
 * {@code ::a.b.c.d} and {@code ::ffff:a.b.c.d}, and a {@code /bits} suffix on {@code inet} only
 * when it is not a host address.
 */
final class InetText {

    private static final int PGSQL_AF_INET = 2;

    private InetText() {}

    /** {@code family(1) bits(1) is_cidr(1) nbytes(1) address(nbytes)}. */
    static String inet(byte[] b, int off, int len, boolean cidr) {
        int family = b[off] & 0xff;
        int bits = b[off + 1] & 0xff;
        int n = b[off + 3] & 0xff;
        if (len != 4 + n || (n != 4 && n != 16)) {
            throw new IllegalArgumentException("bad inet value of " + len + " bytes");
        }
        StringBuilder sb = new StringBuilder();
        if (family == PGSQL_AF_INET) {
            ipv4(sb, b, off + 4);
        } else {
            ipv6(sb, b, off + 4);
        }
        int maxBits = n * 8;
        if (cidr || bits != maxBits) {
            sb.append('/').append(bits);
        }
        return sb.toString();
    }

    static String macaddr(byte[] b, int off, int len) {
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < len; k++) {
            if (k > 0) {
                sb.append(':');
            }
            int v = b[off + k] & 0xff;
            sb.append(Character.forDigit(v >> 4, 16)).append(Character.forDigit(v & 0xf, 16));
        }
        return sb.toString();
    }

    private static void ipv4(StringBuilder sb, byte[] b, int off) {
        for (int k = 0; k < 4; k++) {
            if (k > 0) {
                sb.append('.');
            }
            sb.append(b[off + k] & 0xff);
        }
    }

    private static void ipv6(StringBuilder sb, byte[] b, int off) {
        int[] words = new int[8];
        for (int k = 0; k < 8; k++) {
            words[k] = ((b[off + 2 * k] & 0xff) << 8) | (b[off + 2 * k + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        for (int k = 0; k < 8; ) {
            if (words[k] != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && words[k] == 0) {
                k++;
            }
            if (k - start > bestLen) {
                bestBase = start;
                bestLen = k - start;
            }
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        for (int k = 0; k < 8; k++) {
            if (bestBase >= 0 && k >= bestBase && k < bestBase + bestLen) {
                if (k == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (k != 0) {
                sb.append(':');
            }
            if (k == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
                ipv4(sb, b, off + 12);
                break;
            }
            sb.append(Integer.toHexString(words[k]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
    }
}
