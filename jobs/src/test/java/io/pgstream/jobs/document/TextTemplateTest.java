package io.pgstream.jobs.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TextTemplateTest {

    @Test
    void templateRendersColumnsLiteralsAndEscapedBraces() {
        TextTemplate t = TextTemplate.parse("{title}\n\n{content} {{v{n}}}");
        assertThat(t.columns()).containsExactly("title", "content", "n");
        assertThat(t.render(Map.of("title", "T", "content", "C", "n", new BigDecimal("1.50"))))
                .isEqualTo("T\n\nC {v1.50}");
    }

    @Test
    void nullAndAbsentColumnsRenderAsNothing() {
        Map<String, Object> row = new HashMap<>();
        row.put("title", null);
        assertThat(TextTemplate.parse("[{title}|{content}]").render(row)).isEqualTo("[|]");
    }

    @Test
    void columnListJoinsNonNullValuesWithABlankLine() {
        Map<String, Object> row = new HashMap<>();
        row.put("a", "first");
        row.put("b", null);
        row.put("c", 3);
        assertThat(TextTemplate.ofColumns(List.of("a", "b", "c")).render(row))
                .isEqualTo("first\n\n3");
        assertThat(TextTemplate.ofColumns(List.of("b", "c")).render(row)).isEqualTo("3");
    }

    @Test
    void malformedTemplatesSayWhatIsWrong() {
        assertThatThrownBy(() -> TextTemplate.parse("{title")).hasMessageContaining("unclosed");
        assertThatThrownBy(() -> TextTemplate.parse("a}")).hasMessageContaining("'}}'");
        assertThatThrownBy(() -> TextTemplate.parse("no columns"))
                .hasMessageContaining("names no column");
        assertThatThrownBy(() -> TextTemplate.parse("{}")).hasMessageContaining("empty");
        assertThatThrownBy(() -> TextTemplate.ofColumns(List.of("a", "a")))
                .hasMessageContaining("twice");
    }
}
