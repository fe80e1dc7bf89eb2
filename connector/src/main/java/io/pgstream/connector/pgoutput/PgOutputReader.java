package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.Lsn;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Big-endian reads of {@code pgoutput}'s field types (Int8/16/32/64, LSN, timestamp, C string) over
 * a slice of an array, for {@link PgOutputDecoder}. Bounds errors surface as {@link
 * IndexOutOfBoundsException}, which the decoder reports as a truncated message. Not thread-safe.
 */
final class PgOutputReader {

    /** Seconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01 (UTC). */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;

    private final byte[] array;
    private int pos;
    private final int end;

    PgOutputReader(byte[] array, int start, int end) {
        this.array = array;
        this.pos = start;
        this.end = end;
    }

    /** The whole array the slice is in (tuple values are offsets into it). */
    byte[] array() {
        return array;
    }

    int remaining() {
        return end - pos;
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new IndexOutOfBoundsException("need " + n + " bytes, " + (end - pos) + " remain");
        }
    }

    byte byte1() {
        need(1);
        return array[pos++];
    }

    int int16() {
        need(2);
        int v = ((array[pos] & 0xff) << 8) | (array[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    int int32() {
        need(4);
        int v =
                ((array[pos] & 0xff) << 24)
                        | ((array[pos + 1] & 0xff) << 16)
                        | ((array[pos + 2] & 0xff) << 8)
                        | (array[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    long uint32() {
        return int32() & 0xffffffffL;
    }

    long int64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (array[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    Lsn lsn() {
        return new Lsn(int64());
    }

    Instant timestamp() {
        return toInstant(int64());
    }

    String string() {
        int zero = pos;
        while (zero < end && array[zero] != 0) {
            zero++;
        }
        if (zero == end) {
            throw new IndexOutOfBoundsException("unterminated string");
        }
        String s = new String(array, pos, zero - pos, StandardCharsets.UTF_8);
        pos = zero + 1;
        return s;
    }

    int skip(int n) {
        need(n);
        int at = pos;
        pos += n;
        return at;
    }

    byte[] bytes(int n) {
        need(n);
        byte[] b = new byte[n];
        System.arraycopy(array, pos, b, 0, n);
        pos += n;
        return b;
    }

    void expect(char marker, String what) {
        byte b = byte1();
        if (b != marker) {
            throw new PgOutputException(
                    "Expected '"
                            + marker
                            + "' ("
                            + what
                            + "), found byte 0x"
                            + Integer.toHexString(b & 0xff));
        }
    }

    /** A PostgreSQL timestamp (microseconds since 2000-01-01 UTC) as an instant. */
    static Instant toInstant(long pgMicros) {
        long seconds = Math.floorDiv(pgMicros, 1_000_000L);
        long micros = Math.floorMod(pgMicros, 1_000_000L);
        return Instant.ofEpochSecond(PG_EPOCH_SECONDS + seconds, micros * 1_000L);
    }
}
