package io.pgstream.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IndexIdentityTest {

    private static final IndexIdentity A = new IndexIdentity("openai:a", 8, "{title}\n\n{body}");

    @Test
    void itsJsonReadsBackAndOtherTextsAreNoIdentity() {
        assertThat(IndexIdentity.parse(A.toJson())).isEqualTo(A);
        assertThat(IndexIdentity.parse(null)).isNull();
        assertThat(IndexIdentity.parse("vectors of the docs table")).isNull();
        assertThat(IndexIdentity.parse("{\"model\":\"x\",\"template\":\"y\"}"))
                .as("a comment without pgstream's marker")
                .isNull();
    }

    @Test
    void theDifferenceNamesModelOrTemplate() {
        assertThat(A.differenceFrom(A)).isNull();
        assertThat(A.differenceFrom(new IndexIdentity("openai:b", 8, A.template())))
                .isEqualTo(
                        "model openai:a (8 dimensions), the job file says openai:b (8 dimensions)");
        assertThat(A.differenceFrom(new IndexIdentity("openai:a", 8, "{body}")))
                .isEqualTo("template \"{title}\\n\\n{body}\", the job file says \"{body}\"");
    }
}
