package io.pgstream.connector.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.NumericSpecial;
import io.pgstream.connector.event.PgInterval;
import io.pgstream.connector.event.PgJson;
import io.pgstream.connector.event.RowValues;
import io.pgstream.connector.snapshot.CatalogTypes;
import io.pgstream.connector.testutils.PostgresExtension;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every mapped type, edge values included, decoded from the bytes PostgreSQL itself produces: the
 * type's output function (text format, exactly as pgoutput writes it; a cast to text would differ
 * for bool, bpchar and inet) and its send function (binary format). Both must give the expected
 * Java value, so text and binary agree value by value.
 */
class ValueDecoderITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    private static final Object SAME_AS_TEXT = new Object();

    @BeforeAll
    static void types() throws Exception {
        PG.execute(
                "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
                "CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0)",
                "CREATE TYPE pair AS (a int, b text)");
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("true::boolean", true),
                c("false::boolean", false),
                c("(-32768)::smallint", (short) -32768),
                c("2147483647::integer", Integer.MAX_VALUE),
                c("(-9223372036854775808)::bigint", Long.MIN_VALUE),
                c("4294967295::oid", 4294967295L),
                c("'NaN'::real", Float.NaN),
                c("'-Infinity'::real", Float.NEGATIVE_INFINITY),
                c("'-0'::real", -0.0f),
                c("3.4e38::real", 3.4e38f),
                c("0.1::double precision", 0.1),
                c("'Infinity'::double precision", Double.POSITIVE_INFINITY),
                c("1e-300::double precision", 1e-300),
                c("'0.000'::numeric", new BigDecimal("0.000")),
                c("'-0.5'::numeric", new BigDecimal("-0.5")),
                c(
                        "'123456789012345678901234567890.123456789'::numeric",
                        new BigDecimal("123456789012345678901234567890.123456789")),
                c("'10000'::numeric", new BigDecimal("10000")),
                c("'0.00012'::numeric(10,6)", new BigDecimal("0.000120")),
                c("'NaN'::numeric", NumericSpecial.NAN),
                c("'Infinity'::numeric", NumericSpecial.POSITIVE_INFINITY),
                c("'-Infinity'::numeric", NumericSpecial.NEGATIVE_INFINITY),
                c("E'tab\\there ''q'' \\\\ é日本🙂'::text", "tab\there 'q' \\ é日本🙂"),
                c("'ab'::varchar(5)", "ab"),
                c("'ab'::char(4)", "ab  "),
                c("'pg_class'::name", "pg_class"),
                c("'x'::\"char\"", "x"),
                c("'<a>1</a>'::xml", "<a>1</a>"),
                c(
                        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid",
                        UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
                c(
                        "'{\"a\": [1, \"x\"],  \"b\" : null}'::json",
                        new PgJson("{\"a\": [1, \"x\"],  \"b\" : null}")),
                c(
                        "'{\"k\": {\"n\": [1, 2.50]}, \"a\": \"é\"}'::jsonb",
                        new PgJson("{\"a\": \"é\", \"k\": {\"n\": [1, 2.50]}}")),
                c(
                        "'\\xdeadbeef00'::bytea",
                        new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0}),
                c("''::bytea", new byte[0]),
                c("'2024-02-29'::date", LocalDate.of(2024, 2, 29)),
                c("'0044-03-15 BC'::date", LocalDate.of(-43, 3, 15)),
                c("'12345-01-02'::date", LocalDate.of(12345, 1, 2)),
                c("'infinity'::date", LocalDate.MAX),
                c("'-infinity'::date", LocalDate.MIN),
                c("'23:59:59.999999'::time", LocalTime.of(23, 59, 59, 999_999_000)),
                c("'24:00:00'::time", LocalTime.MAX),
                c(
                        "'04:05:06.5+05:30'::timetz",
                        OffsetTime.of(4, 5, 6, 500_000_000, ZoneOffset.ofHoursMinutes(5, 30))),
                c("'04:05:06-08'::timetz", OffsetTime.of(4, 5, 6, 0, ZoneOffset.ofHours(-8))),
                c(
                        "'1999-12-31 23:59:59.999999'::timestamp",
                        LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000)),
                c("'0001-01-01 00:00:00 BC'::timestamp", LocalDateTime.of(0, 1, 1, 0, 0)),
                c("'infinity'::timestamp", LocalDateTime.MAX),
                c(
                        "'2024-01-02 03:04:05.123456+00'::timestamptz",
                        Instant.parse("2024-01-02T03:04:05.123456Z")),
                c(
                        "'1900-06-01 12:00:00.5-03:30'::timestamptz",
                        Instant.parse("1900-06-01T15:30:00.5Z")),
                c(
                        "'0044-03-15 12:00:00+00 BC'::timestamptz",
                        LocalDateTime.of(-43, 3, 15, 12, 0).toInstant(ZoneOffset.UTC)),
                c("'-infinity'::timestamptz", Instant.MIN),
                c(
                        "'1 year 2 mons 3 days 04:05:06.789'::interval",
                        new PgInterval(14, 3, 14_706_789_000L)),
                c("'-1 days +02:03:04'::interval", new PgInterval(0, -1, 7_384_000_000L)),
                c("'-00:00:01'::interval", new PgInterval(0, 0, -1_000_000L)),
                c("'178000000 years'::interval", new PgInterval(2_136_000_000, 0, 0)),
                c("'1000 hours'::interval", new PgInterval(0, 0, 3_600_000_000_000L)),
                c("'192.168.1.5/24'::inet", "192.168.1.5/24"),
                c("'10.0.0.1'::inet", "10.0.0.1"),
                c("'::1'::inet", "::1"),
                c("'::'::inet", "::"),
                c("'2001:db8::ff00:42:8329/64'::inet", "2001:db8::ff00:42:8329/64"),
                c("'2001:db8:0:1:0:0:0:1'::inet", "2001:db8:0:1::1"),
                c("'::ffff:1.2.3.4'::inet", "::ffff:1.2.3.4"),
                c("'fe80::1:0:0:0:1'::inet", "fe80:0:0:1::1"),
                c("'10.0.0.0/8'::cidr", "10.0.0.0/8"),
                c("'10.1.2.3/32'::cidr", "10.1.2.3/32"),
                c("'2001:db8::/32'::cidr", "2001:db8::/32"),
                c("'08:00:2b:01:02:03'::macaddr", "08:00:2b:01:02:03"),
                c("'08:00:2b:01:02:03:04:05'::macaddr8", "08:00:2b:01:02:03:04:05"),
                c("'happy'::mood", "happy"),
                c("7::positive_int", 7),
                c("'[1,2.5,-3]'::vector", new float[] {1f, 2.5f, -3f}),
                c("'{}'::integer[]", List.of()),
                c("'{1,NULL,-3}'::integer[]", Arrays.asList(1, null, -3)),
                c(
                        "'{a,\"b c\",NULL,\"NULL\",\"q\\\"uote\",\"back\\\\slash\",\"\"}'::text[]",
                        Arrays.asList("a", "b c", null, "NULL", "q\"uote", "back\\slash", "")),
                c(
                        "'{1.50,NaN,NULL}'::numeric[]",
                        Arrays.asList(new BigDecimal("1.50"), NumericSpecial.NAN, null)),
                c(
                        "'{\"2024-01-01 00:00:00+00\",NULL,infinity}'::timestamptz[]",
                        Arrays.asList(Instant.parse("2024-01-01T00:00:00Z"), null, Instant.MAX)),
                c("'[0:1]={7,8}'::integer[]", List.of(7, 8)),
                c("'{t,f}'::boolean[]", List.of(true, false)),
                c(
                        "ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid]",
                        List.of(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))),
                c(
                        "ARRAY['2024-02-29'::date, NULL]",
                        Arrays.asList(LocalDate.of(2024, 2, 29), null)),
                c("ARRAY['\\x01'::bytea]", SAME_AS_TEXT),
                c("ARRAY['{\"a\":1}'::jsonb]", List.of(new PgJson("{\"a\": 1}"))),
                c("'{sad,happy}'::mood[]", List.of("sad", "happy")),
                c("ROW(1, 'x')::pair", "(1,x)"),
                c("ROW(NULL, 'a \"b\" (c), d\\e')::pair", "(,\"a \"\"b\"\" (c), d\\\\e\")"),
                c("ROW(-7, '')::pair", "(-7,\"\")"),
                c("'{{1,2},{3,NULL}}'::integer[]", "{{1,2},{3,NULL}}"),
                c("'[2:3][1:1]={{\"a b\"},{c}}'::text[]", "[2:3][1:1]={{\"a b\"},{c}}"));
    }

    private static Arguments c(String literal, Object expected) {
        return Arguments.of(literal, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void textAndBinaryDecodeToTheExpectedValue(String literal, Object expected) throws Exception {
        TypeRegistry registry = registryFromCatalog();
        ValueDecoder decoder = new ValueDecoder(registry);
        try (Connection c = PG.connect();
                Statement s = c.createStatement()) {
            s.execute(
                    "SET DateStyle = ISO; SET IntervalStyle = postgres; SET bytea_output = hex;"
                            + " SET extra_float_digits = 3; SET TimeZone = 'UTC'");
            int oid;
            String output;
            String send;
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT t.oid, t.typoutput::text, t.typsend::text FROM pg_type t WHERE t.oid = pg_typeof("
                                    + literal
                                    + ")")) {
                rs.next();
                oid = (int) rs.getLong(1);
                output = rs.getString(2);
                send = rs.getString(3);
            }
            byte[] text;
            byte[] binary;
            try (ResultSet rs =
                    s.executeQuery(
                            "SELECT convert_to("
                                    + output
                                    + "("
                                    + literal
                                    + ")::text, 'UTF8'), "
                                    + send
                                    + "("
                                    + literal
                                    + ")")) {
                rs.next();
                text = rs.getBytes(1);
                binary = rs.getBytes(2);
            }
            Object fromText = decoder.decodeText(oid, text, 0, text.length);
            Object fromBinary = decoder.decodeBinary(oid, binary, 0, binary.length);
            String shown =
                    "text "
                            + new String(text, StandardCharsets.UTF_8)
                            + " -> "
                            + RowValues.toString(fromText)
                            + ", binary -> "
                            + RowValues.toString(fromBinary);
            if (expected != SAME_AS_TEXT) {
                assertThat(RowValues.valuesEqual(fromText, expected)).as(shown).isTrue();
            }
            assertThat(RowValues.valuesEqual(fromBinary, fromText)).as(shown).isTrue();
        }
    }

    /** The registry Type messages build: user types as pgoutput names them. */
    private static TypeRegistry registryFromCatalog() throws SQLException {
        try (Connection c = PG.connect()) {
            return CatalogTypes.load(c);
        }
    }
}
