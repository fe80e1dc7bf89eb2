package io.pgstream.connector.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChangeEventCodecTest {

    @Test
    void everyValueTypeRoundTripsWithItsExactJavaType() throws IOException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("b", true);
        row.put("s", (short) -7);
        row.put("i", Integer.MIN_VALUE);
        row.put("l", Long.MAX_VALUE);
        row.put("f", Float.NaN);
        row.put("d", -0.0d);
        row.put("n", new BigDecimal("1.50"));
        row.put("nan", NumericSpecial.NEGATIVE_INFINITY);
        row.put("t", "héllo \u0000 wörld");
        row.put("u", UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        row.put("j", new PgJson("{\"a\": [1, 2]}"));
        row.put("bytes", new byte[] {0, 1, (byte) 0xFF});
        row.put("date", LocalDate.of(-44, 3, 15));
        row.put("time", LocalTime.of(23, 59, 59, 999_999_000));
        row.put("timetz", OffsetTime.of(1, 2, 3, 4000, ZoneOffset.ofHoursMinutes(5, 45)));
        row.put("ts", LocalDateTime.MAX);
        row.put("tstz", Instant.parse("2024-02-29T12:34:56.123456Z"));
        row.put("iv", new PgInterval(14, -3, 4_000_001L));
        row.put("vec", new float[] {1f, 2.5f, -3f});
        row.put("arr", Arrays.asList(1, null, 3));
        row.put("null", null);
        ChangeEvent event =
                ChangeEvent.builder(Operation.UPDATE)
                        .table("public", "docs")
                        .row(row)
                        .oldRow(Map.of("i", 1))
                        .unchangedToastColumn("body")
                        .commitLsn(Lsn.parse("1/2"))
                        .lsn(Lsn.parse("1/1"))
                        .commitTime(Instant.parse("2024-01-01T00:00:00.000001Z"))
                        .xid(4_000_000_000L)
                        .build();

        ChangeEvent back = roundTrip(event);

        assertThat(back).isEqualTo(event);
        for (Map.Entry<String, Object> e : row.entrySet()) {
            Object v = back.row().get(e.getKey());
            if (e.getValue() instanceof java.util.List) {
                assertThat(v).isInstanceOf(java.util.List.class);
            } else if (e.getValue() != null) {
                assertThat(v).isInstanceOf(e.getValue().getClass());
            }
        }
        assertThat(((BigDecimal) back.row().get("n")).scale()).isEqualTo(2);
        assertThat(back.row()).containsKey("null");
        assertThat(back.unchangedToastColumns()).containsExactly("body");
    }

    @Test
    void truncateFlagsAndMissingRowsSurvive() throws IOException {
        ChangeEvent event =
                ChangeEvent.builder(Operation.TRUNCATE)
                        .table("s", "t")
                        .commitLsn(Lsn.parse("0/10"))
                        .lsn(Lsn.parse("0/8"))
                        .truncateFlags(true, false)
                        .build();

        ChangeEvent back = roundTrip(event);

        assertThat(back.row()).isNull();
        assertThat(back.oldRow()).isNull();
        assertThat(back.commitTime()).isNull();
        assertThat(back.truncateCascade()).isTrue();
        assertThat(back.truncateRestartIdentity()).isFalse();
    }

    @Test
    void unknownValueTypeFailsNamingTheClass() {
        ChangeEvent event =
                ChangeEvent.builder(Operation.INSERT)
                        .table("s", "t")
                        .row(Map.of("x", new StringBuilder("no")))
                        .build();

        assertThatThrownBy(() -> roundTrip(event)).hasMessageContaining("java.lang.StringBuilder");
    }

    private static ChangeEvent roundTrip(ChangeEvent event) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChangeEventCodec.write(event, new DataOutputStream(bytes));
        return ChangeEventCodec.read(
                new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    }
}
