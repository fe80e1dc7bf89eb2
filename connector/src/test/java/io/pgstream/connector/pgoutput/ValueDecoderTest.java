package io.pgstream.connector.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.event.PgInterval;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The decoder's behaviour where no server output reaches it in tests: malformed input, types named
 * only by a Type message, and array-literal corners.
 */
class ValueDecoderTest {

    private final TypeRegistry registry = new TypeRegistry();
    private final ValueDecoder decoder = new ValueDecoder(registry);

    private Object text(int oid, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return decoder.decodeText(oid, b, 0, b.length);
    }

    @Test
    void malformedValueNamesTypeAndValue() {
        assertThatThrownBy(() -> text(TypeRegistryOids.INT4, "12x"))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("oid 23")
                .hasMessageContaining("12x");
        assertThatThrownBy(() -> text(1184, "01/02/2024 03:04:05 PST"))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("DateStyle");
        assertThatThrownBy(() -> text(1186, "@ 1 hour"))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("IntervalStyle");
    }

    @Test
    void domainNamedByItsBaseTypeDecodesAsTheBase() {
        registry.register(17890, "", "int4");
        registry.register(17891, "", "_numeric");
        assertThat(text(17890, "42")).isEqualTo(42);
        assertThat(text(17891, "{1.5}"))
                .isEqualTo(java.util.List.of(new java.math.BigDecimal("1.5")));
    }

    @Test
    void vectorIsKnownOnlyOnceNamed() {
        assertThat(text(17556, "[1,2]")).isEqualTo("[1,2]");
        registry.register(17556, "public", "vector");
        assertThat(registry.isVector(17556)).isTrue();
        assertThat((float[]) text(17556, "[1,2]")).containsExactly(1f, 2f);
    }

    @Test
    void unknownTypesKeepTheirTextForm() {
        assertThat(text(600, "(1,2)")).isEqualTo("(1,2)");
        registry.register(20000, "public", "pair");
        assertThat(text(20000, "(1,\"a b\")")).isEqualTo("(1,\"a b\")");
    }

    @Test
    void arrayLiteralCorners() {
        assertThat(text(TypeRegistryOids.TEXT_ARRAY, "{ a , b\\,c ,\"\"}"))
                .isEqualTo(Arrays.asList("a", "b,c", ""));
        assertThat(text(TypeRegistryOids.TEXT_ARRAY, "{null,NULL,\"null\"}"))
                .isEqualTo(Arrays.asList(null, null, "null"));
        assertThat(text(TypeRegistryOids.TEXT_ARRAY, "{{a},{b}}")).isEqualTo("{{a},{b}}");
        assertThatThrownBy(() -> text(TypeRegistryOids.TEXT_ARRAY, "a,b"))
                .isInstanceOf(PgOutputException.class)
                .hasMessageContaining("not an array literal");
    }

    @Test
    void intervalPartsStaySeparate() {
        assertThat(text(1186, "1 mon -1 days")).isEqualTo(new PgInterval(1, -1, 0));
        assertThat(text(1186, "-1 years -2 mons +3 days -04:05:06.000001"))
                .isEqualTo(new PgInterval(-14, 3, -14_706_000_001L));
    }
}
