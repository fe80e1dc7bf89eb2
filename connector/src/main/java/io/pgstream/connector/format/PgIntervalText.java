package io.pgstream.connector.format;

import io.pgstream.connector.event.PgInterval;

/**
 * Formats a {@link PgInterval} exactly as PostgreSQL does with {@code IntervalStyle = postgres}
 * (its default): {@code 1 year 2 mons -3 days +04:05:06.789}. The JSON contract says "anything else
 * is its Postgres text form", so this must match the server character for character.
 */
public final class PgIntervalText {
    private PgIntervalText() {}

    public static String format(PgInterval interval) {
        StringBuilder sb = new StringBuilder(32);
        // [0] = nothing written yet, [1] = the last part written was negative.
        boolean[] zeroAndBefore = {true, false};
        int years = interval.months() / 12;
        int months = interval.months() % 12;
        addPart(sb, years, "year", zeroAndBefore);
        addPart(sb, months, "mon", zeroAndBefore);
        addPart(sb, interval.days(), "day", zeroAndBefore);

        long micros = interval.microseconds();
        if (zeroAndBefore[0] || micros != 0) {
            boolean minus = micros < 0;
            long abs = Math.abs(micros);
            long hours = abs / 3_600_000_000L;
            long minutes = (abs / 60_000_000L) % 60;
            long seconds = (abs / 1_000_000L) % 60;
            long fraction = abs % 1_000_000L;
            if (!zeroAndBefore[0]) {
                sb.append(' ');
            }
            sb.append(minus ? "-" : (zeroAndBefore[1] ? "+" : ""));
            twoDigits(sb, hours).append(':');
            twoDigits(sb, minutes).append(':');
            twoDigits(sb, seconds);
            if (fraction != 0) {
                String digits = Long.toString(fraction + 1_000_000L).substring(1);
                int end = digits.length();
                while (digits.charAt(end - 1) == '0') {
                    end--;
                }
                sb.append('.').append(digits, 0, end);
            }
        }
        return sb.toString();
    }

    private static void addPart(StringBuilder sb, int value, String unit, boolean[] state) {
        if (value == 0) {
            return;
        }
        if (!state[0]) {
            sb.append(' ');
        }
        if (state[1] && value > 0) {
            sb.append('+');
        }
        sb.append(value).append(' ').append(unit);
        if (value != 1) {
            sb.append('s');
        }
        state[1] = value < 0;
        state[0] = false;
    }

    private static StringBuilder twoDigits(StringBuilder sb, long value) {
        if (value < 10) {
            sb.append('0');
        }
        return sb.append(value);
    }
}
