package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.PgInterval;

/**
 * Parses an interval in PostgreSQL's default output style ({@code IntervalStyle = postgres}, which
 * the source sets on its replication session), e.g. {@code 1 year 2 mons -3 days +04:05:06.789}.
 * Months, days and microseconds stay separate, as PostgreSQL keeps them: a month is not a fixed
 * number of days.
 */
final class IntervalText {

    private IntervalText() {}

    static PgInterval parse(String s) {
        if (s.equals("infinity")) {
            return new PgInterval(Integer.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE);
        }
        if (s.equals("-infinity")) {
            return new PgInterval(Integer.MIN_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE);
        }
        long months = 0;
        long days = 0;
        long micros = 0;
        String[] tokens = s.split(" ");
        try {
            for (int t = 0; t < tokens.length; t++) {
                String token = tokens[t];
                if (token.indexOf(':') >= 0) {
                    micros = Math.addExact(micros, time(token));
                    continue;
                }
                long n = Long.parseLong(token);
                String unit = tokens[++t];
                switch (unit) {
                    case "year":
                    case "years":
                        months = Math.addExact(months, Math.multiplyExact(n, 12));
                        break;
                    case "mon":
                    case "mons":
                        months = Math.addExact(months, n);
                        break;
                    case "day":
                    case "days":
                        days = Math.addExact(days, n);
                        break;
                    default:
                        throw bad(s);
                }
            }
            return new PgInterval(Math.toIntExact(months), Math.toIntExact(days), micros);
        } catch (ArithmeticException | IndexOutOfBoundsException | NumberFormatException e) {
            throw bad(s);
        }
    }

    /** {@code [+-]H:MM:SS[.ffffff]}, hours unbounded. */
    private static long time(String token) {
        boolean negative = token.charAt(0) == '-';
        int start = token.charAt(0) == '-' || token.charAt(0) == '+' ? 1 : 0;
        int c1 = token.indexOf(':', start);
        int c2 = token.indexOf(':', c1 + 1);
        long hours = Long.parseLong(token.substring(start, c1));
        long minutes = Long.parseLong(token.substring(c1 + 1, c2));
        String secondsText = token.substring(c2 + 1);
        int dot = secondsText.indexOf('.');
        long seconds = Long.parseLong(dot < 0 ? secondsText : secondsText.substring(0, dot));
        long fraction = 0;
        if (dot >= 0) {
            String f = (secondsText.substring(dot + 1) + "000000").substring(0, 6);
            fraction = Long.parseLong(f);
        }
        long total =
                Math.addExact(
                        Math.multiplyExact(
                                Math.addExact(
                                        Math.multiplyExact(hours, 3600), minutes * 60 + seconds),
                                1_000_000L),
                        fraction);
        return negative ? -total : total;
    }

    private static IllegalArgumentException bad(String s) {
        return new IllegalArgumentException(
                "not an interval in IntervalStyle postgres: '" + s + "'");
    }
}
