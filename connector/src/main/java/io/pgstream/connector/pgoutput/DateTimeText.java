package io.pgstream.connector.pgoutput;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;

/**
 * Parses PostgreSQL's ISO date/time output ({@code DateStyle = ISO}, which the source sets on its
 * replication session): years beyond 9999, {@code BC} years, UTC offsets with seconds, {@code
 * 24:00:00} (as {@code LocalTime.MAX}), and {@code ±infinity}, which map to the Java type's
 * MAX/MIN.
 */
final class DateTimeText {

    private DateTimeText() {}

    static LocalDate date(String s) {
        if (s.equals("infinity")) {
            return LocalDate.MAX;
        }
        if (s.equals("-infinity")) {
            return LocalDate.MIN;
        }
        Cursor c = new Cursor(s);
        return c.bcDate(c.date());
    }

    static LocalTime time(String s) {
        Cursor c = new Cursor(s);
        LocalTime t = c.time();
        c.end();
        return t;
    }

    static OffsetTime timetz(String s) {
        Cursor c = new Cursor(s);
        LocalTime t = c.time();
        ZoneOffset offset = c.offset();
        c.end();
        return OffsetTime.of(t, offset);
    }

    static LocalDateTime timestamp(String s) {
        if (s.equals("infinity")) {
            return LocalDateTime.MAX;
        }
        if (s.equals("-infinity")) {
            return LocalDateTime.MIN;
        }
        Cursor c = new Cursor(s);
        LocalDate d = c.date();
        c.expect(' ');
        LocalTime t = c.time();
        return LocalDateTime.of(c.bcDate(d), t);
    }

    static Instant timestamptz(String s) {
        if (s.equals("infinity")) {
            return Instant.MAX;
        }
        if (s.equals("-infinity")) {
            return Instant.MIN;
        }
        Cursor c = new Cursor(s);
        LocalDate d = c.date();
        c.expect(' ');
        LocalTime t = c.time();
        ZoneOffset offset = c.offset();
        return LocalDateTime.of(c.bcDate(d), t).toInstant(offset);
    }

    /** A left-to-right reader over one value; errors name the whole value. */
    private static final class Cursor {
        private final String s;
        private int i;

        Cursor(String s) {
            this.s = s;
        }

        LocalDate date() {
            int year = number(1, 9);
            expect('-');
            int month = number(2, 2);
            expect('-');
            int day = number(2, 2);
            return LocalDate.of(year, month, day);
        }

        /** Applies a trailing " BC": year Y BC is ISO year 1 - Y. */
        LocalDate bcDate(LocalDate d) {
            if (s.endsWith(" BC")) {
                if (i != s.length() - 3) {
                    throw bad();
                }
                i = s.length();
                return d.withYear(1 - d.getYear());
            }
            end();
            return d;
        }

        LocalTime time() {
            int h = number(2, 2);
            expect(':');
            int m = number(2, 2);
            expect(':');
            int sec = number(2, 2);
            int nanos = 0;
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
                int start = i;
                int frac = number(1, 9);
                int digits = i - start;
                for (int k = digits; k < 9; k++) {
                    frac *= 10;
                }
                nanos = frac;
            }
            if (h == 24 && m == 0 && sec == 0 && nanos == 0) {
                // PostgreSQL allows 24:00:00 as a time of day; Java does not.
                return LocalTime.MAX;
            }
            return LocalTime.of(h, m, sec, nanos);
        }

        ZoneOffset offset() {
            if (i >= s.length() || (s.charAt(i) != '+' && s.charAt(i) != '-')) {
                throw bad();
            }
            int sign = s.charAt(i++) == '-' ? -1 : 1;
            int h = number(2, 2);
            int m = 0;
            int sec = 0;
            if (i < s.length() && s.charAt(i) == ':') {
                i++;
                m = number(2, 2);
                if (i < s.length() && s.charAt(i) == ':') {
                    i++;
                    sec = number(2, 2);
                }
            }
            return ZoneOffset.ofTotalSeconds(sign * (h * 3600 + m * 60 + sec));
        }

        int number(int minDigits, int maxDigits) {
            int start = i;
            long v = 0;
            while (i < s.length() && Character.isDigit(s.charAt(i)) && i - start < maxDigits) {
                v = v * 10 + (s.charAt(i++) - '0');
            }
            if (i - start < minDigits) {
                throw bad();
            }
            return (int) v;
        }

        void expect(char ch) {
            if (i >= s.length() || s.charAt(i) != ch) {
                throw bad();
            }
            i++;
        }

        void end() {
            if (i != s.length() && !s.substring(i).equals(" BC")) {
                throw bad();
            }
        }

        IllegalArgumentException bad() {
            return new IllegalArgumentException(
                    "not an ISO date/time value (is DateStyle ISO?): '" + s + "'");
        }
    }
}
