package io.pgstream.connector.pgoutput;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Random SQL literals per column type, weighted towards the edges (NULL, NaN, ±Infinity, BC dates,
 * quotes and backslashes, empty arrays and NULL elements) where decoders break.
 */
final class RandomValues {

    private final Random random;

    RandomValues(Random random) {
        this.random = random;
    }

    /** The columns of the differential test's wide table, as {@code name type} pairs. */
    static final String[][] WIDE_COLUMNS = {
        {"b", "boolean"},
        {"i2", "smallint"},
        {"i4", "integer"},
        {"i8", "bigint"},
        {"f4", "real"},
        {"f8", "double precision"},
        {"n", "numeric"},
        {"n3", "numeric(12,3)"},
        {"t", "text"},
        {"vc", "varchar(20)"},
        {"bp", "char(5)"},
        {"nm", "name"},
        {"u", "uuid"},
        {"j", "json"},
        {"jb", "jsonb"},
        {"by", "bytea"},
        {"d", "date"},
        {"tm", "time"},
        {"ttz", "timetz"},
        {"ts", "timestamp"},
        {"tstz", "timestamptz"},
        {"iv", "interval"},
        {"ip", "inet"},
        {"cd", "cidr"},
        {"mac", "macaddr"},
        {"ia", "integer[]"},
        {"ta", "text[]"},
        {"na", "numeric[]"},
        {"tsa", "timestamptz[]"},
        {"mo", "mood"},
        {"v", "vector(3)"},
        {"o", "oid"},
        {"dm", "positive_int"},
        {"pr", "pair"},
    };

    /** A literal (already quoted and cast) for a column of the given type, or NULL. */
    String literal(String type) {
        if (random.nextInt(10) == 0) {
            return "NULL";
        }
        return "'" + text(type).replace("'", "''") + "'::" + type;
    }

    private String text(String type) {
        switch (type) {
            case "boolean":
                return random.nextBoolean() ? "true" : "false";
            case "smallint":
                return Integer.toString(pick(-32768, 32767, 0, random.nextInt(65536) - 32768));
            case "integer":
            case "positive_int":
                int i = pick(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, random.nextInt());
                return Integer.toString(type.equals("positive_int") ? Math.max(1, i & 0x7fff) : i);
            case "bigint":
                return Long.toString(pick(Long.MIN_VALUE, Long.MAX_VALUE, 0L, random.nextLong()));
            case "oid":
                return Long.toString(random.nextLong() & 0xffffffffL);
            case "real":
                return special(Float.toString((float) (random.nextGaussian() * 1e6)), "3.4e38");
            case "double precision":
                return special(Double.toString(random.nextGaussian() * 1e12), "-1e-300");
            case "numeric":
                return oneOf(
                        "NaN",
                        "Infinity",
                        "-Infinity",
                        "0.000",
                        "-0.5",
                        "123456789012345678901234567890.123456789",
                        decimal(random.nextInt(30), random.nextInt(12)));
            case "numeric(12,3)":
                return decimal(8, 3);
            case "text":
                return randomText(random.nextInt(5) == 0 ? 3000 : 20);
            case "varchar(20)":
                return randomText(20);
            case "char(5)":
                return randomText(3);
            case "name":
                return "n_" + random.nextInt(1000);
            case "uuid":
                return new UUID(random.nextLong(), random.nextLong()).toString();
            case "json":
                return oneOf("{\"a\": [1, \"x\"],  \"b\" : null}", "[]", "\"s\\\"q\"", "1.5e3");
            case "jsonb":
                return oneOf("{\"k\": {\"n\": [1, 2.50, true]}, \"a\": \"é\"}", "[]", "null");
            case "bytea":
                byte[] b = new byte[random.nextInt(12)];
                random.nextBytes(b);
                StringBuilder hex = new StringBuilder("\\x");
                for (byte x : b) {
                    hex.append(String.format(Locale.ROOT, "%02x", x));
                }
                return hex.toString();
            case "date":
                return oneOf(
                        "infinity",
                        "-infinity",
                        "0044-03-15 BC",
                        "2024-02-29",
                        String.format(
                                Locale.ROOT,
                                "%04d-%02d-%02d",
                                1 + random.nextInt(9000),
                                1 + random.nextInt(12),
                                1 + random.nextInt(28)));
            case "time":
                return time();
            case "timetz":
                return time() + oneOf("+00", "+05:30", "-08", "+14");
            case "timestamp":
                return oneOf(
                        "infinity",
                        "1999-12-31 23:59:59.999999",
                        "0001-01-01 00:00:00 BC",
                        String.format(
                                Locale.ROOT,
                                "%04d-%02d-%02d %s",
                                1 + random.nextInt(9000),
                                1 + random.nextInt(12),
                                1 + random.nextInt(28),
                                time().replace("24:00:00", "23:00:00")));
            case "timestamptz":
                return oneOf(
                        "2024-01-02 03:04:05.123456+00",
                        "1970-01-01 00:00:00+00",
                        "-infinity",
                        "1900-06-01 12:00:00.5-03:30",
                        "2262-04-11 23:47:16.854775+00");
            case "interval":
                return oneOf(
                        "1 year 2 mons 3 days 04:05:06.789",
                        "-1 days +02:03:04",
                        "00:00:00",
                        "-00:00:01",
                        "178000000 years");
            case "inet":
                return oneOf("192.168.1.5/24", "10.0.0.1", "::1", "2001:db8::ff00:42:8329/64");
            case "cidr":
                return oneOf("10.0.0.0/8", "192.168.100.128/25", "2001:db8::/32");
            case "macaddr":
                return oneOf("08:00:2b:01:02:03", "ff:ff:ff:ff:ff:ff");
            case "integer[]":
                return oneOf("{}", "{1,NULL,-3}", "{2147483647}");
            case "text[]":
                return oneOf(
                        "{}",
                        "{a,\"b c\",NULL,\"NULL\",\"q\\\"uote\",\"back\\\\slash\",\"\"}",
                        "{é,\"{}\"}");
            case "numeric[]":
                return oneOf("{1.50,NaN,NULL}", "{}");
            case "timestamptz[]":
                return oneOf("{\"2024-01-01 00:00:00+00\",NULL,infinity}", "{}");
            case "pair":
                return oneOf("(1,x)", "(,\"a b\")", "(-3,\"\")", "(5,\"q\"\"uote\\\\\")", "(,)");
            case "mood":
                return oneOf("sad", "ok", "happy");
            case "vector(3)":
                return "["
                        + (float) random.nextGaussian()
                        + ","
                        + (float) random.nextGaussian()
                        + ",0]";
            default:
                throw new IllegalArgumentException(type);
        }
    }

    private String time() {
        return oneOf(
                "00:00:00",
                "23:59:59.999999",
                "24:00:00",
                String.format(
                        Locale.ROOT,
                        "%02d:%02d:%02d.%06d",
                        random.nextInt(24),
                        random.nextInt(60),
                        random.nextInt(60),
                        random.nextInt(1_000_000)));
    }

    String randomText(int maxLength) {
        String alphabet = "abcXYZ 019'\"\\,{}é日本🙂\t";
        int[] cps = alphabet.codePoints().toArray();
        int n = maxLength <= 20 ? 1 + random.nextInt(maxLength) : maxLength;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.appendCodePoint(cps[random.nextInt(cps.length)]);
        }
        return sb.toString();
    }

    private String decimal(int intDigits, int scale) {
        StringBuilder sb = new StringBuilder();
        if (random.nextBoolean()) {
            sb.append('-');
        }
        sb.append(1 + random.nextInt(9));
        for (int i = 0; i < intDigits; i++) {
            sb.append(random.nextInt(10));
        }
        if (scale > 0) {
            sb.append('.');
            for (int i = 0; i < scale; i++) {
                sb.append(random.nextInt(10));
            }
        }
        return sb.toString();
    }

    private String special(String normal, String extreme) {
        return oneOf("NaN", "Infinity", "-Infinity", "0", "-0", extreme, normal, normal, normal);
    }

    private int pick(int a, int b, int c, int d) {
        int r = random.nextInt(4);
        return r == 0 ? a : r == 1 ? b : r == 2 ? c : d;
    }

    private long pick(long a, long b, long c, long d) {
        int r = random.nextInt(4);
        return r == 0 ? a : r == 1 ? b : r == 2 ? c : d;
    }

    private String oneOf(String... options) {
        return options[random.nextInt(options.length)];
    }

    List<String> wideColumnNames() {
        List<String> names = new ArrayList<>();
        for (String[] c : WIDE_COLUMNS) {
            names.add(c[0]);
        }
        return names;
    }
}
