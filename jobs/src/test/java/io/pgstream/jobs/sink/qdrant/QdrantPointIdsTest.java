package io.pgstream.jobs.sink.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Point ids are RFC 9562 UUIDv5s; expected values computed with Python's {@code uuid.uuid5}. */
class QdrantPointIdsTest {

    @Test
    void matchesTheRfcAlgorithm() {
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        assertThat(QdrantPointIds.uuid5(dns, "python.org"))
                .hasToString("886313e1-3b8a-5372-9b90-0c9aee199e5d");
    }

    @Test
    void pointIdsAreTableKeyAndChunkUnderThePgstreamNamespace() {
        assertThat(QdrantPointIds.pointId("public.docs", "42", 0))
                .hasToString("f6d2b366-95fb-596f-9971-722115c3a331");
        assertThat(QdrantPointIds.pointId("public.docs", "[1,\"a\"]", 3))
                .hasToString("6b1d25f3-7dbf-563c-a159-b165ef8625ad");
        assertThat(QdrantPointIds.pointId("public.docs", "é", 0))
                .hasToString("838df111-2dd4-5ed5-9f2e-5ad9be964ead");
        assertThat(QdrantPointIds.pointId("public.docs", "42", 0).version()).isEqualTo(5);
        assertThat(QdrantPointIds.pointId("public.docs", "4", 20))
                .isNotEqualTo(QdrantPointIds.pointId("public.docs", "42", 0));
    }
}
