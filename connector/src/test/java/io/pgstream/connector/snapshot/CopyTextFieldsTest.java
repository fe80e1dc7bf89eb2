package io.pgstream.connector.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyTextFieldsTest {

    private static List<String> split(String row) {
        List<String> out = new ArrayList<>();
        new CopyTextFields()
                .split(
                        row.getBytes(StandardCharsets.UTF_8),
                        (i, buf, off, len) -> {
                            assertThat(i).isEqualTo(out.size());
                            out.add(
                                    buf == null
                                            ? null
                                            : new String(buf, off, len, StandardCharsets.UTF_8));
                        });
        return out;
    }

    @Test
    void tabsSeparateFieldsAndBackslashNIsNull() {
        assertThat(split("1\tabc\t\\N\t\n")).containsExactly("1", "abc", null, "");
        assertThat(split("only")).containsExactly("only");
        assertThat(split("\t")).containsExactly("", "");
    }

    @Test
    void escapesAreUndoneIncludingEscapedTabsAndBackslashes() {
        assertThat(split("a\\tb\\nc\\\\d\tx\\\\N\\r\\b\\f\\v"))
                .containsExactly("a\tb\nc\\d", "x\\N\r\b\f\u000B");
        assertThat(split("\\101\\x42\\7\\q\\x")).containsExactly("AB\u0007qx");
    }

    @Test
    void multiByteUtf8StaysIntact() {
        assertThat(split("é€\t日本\\t語")).containsExactly("é€", "日本\t語");
    }
}
