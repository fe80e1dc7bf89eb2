package io.pgstream.connector.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Operation;
import io.pgstream.connector.format.ChangeEventJson;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The warm-up's synthetic pgoutput really takes the change path (it decodes into typed inserts,
 * updates and deletes that format as JSON), stops at its budget, and leaves nothing behind.
 */
class StreamPathWarmUpTest {

    @Test
    void decodesEveryTransactionIntoTypedChanges() throws Exception {
        List<ChangeEvent> changes = new ArrayList<>();
        long n = StreamPathWarmUp.run(3_000, Duration.ofMinutes(5), changes::add);

        assertThat(n).isEqualTo(3_000);
        assertThat(changes).hasSize(3_000);
        assertThat(changes.stream().map(ChangeEvent::operation).distinct())
                .containsExactlyInAnyOrder(Operation.INSERT, Operation.UPDATE, Operation.DELETE);
        ChangeEvent insert = changes.get(3);
        assertThat(insert.operation()).isEqualTo(Operation.INSERT);
        Map<String, Object> row = insert.row();
        assertThat(row.get("id")).isEqualTo(3L);
        assertThat(row.get("active")).isEqualTo(false);
        assertThat(row.get("price")).isEqualTo(new BigDecimal("3.3"));
        assertThat(row).containsKeys("body", "created_at", "doc", "tags");
        ChangeEvent update = changes.get(4);
        assertThat(update.oldRow()).containsEntry("id", 4L);
        assertThat(changes.get(5).operation()).isEqualTo(Operation.DELETE);
        assertThat(changes.get(5).commitLsn().isValid()).isTrue();
        for (ChangeEvent e : changes) {
            assertThat(ChangeEventJson.toJson(e)).startsWith("{").endsWith("}");
        }
    }

    @Test
    void stopsAtItsBudget() throws Exception {
        List<ChangeEvent> changes = new ArrayList<>();
        long n = StreamPathWarmUp.run(Integer.MAX_VALUE, Duration.ZERO, changes::add);

        assertThat(n).isZero();
        assertThat(changes).isEmpty();
    }

    @Test
    void writesNoSpillFile() throws Exception {
        Path spill = Path.of(System.getProperty("java.io.tmpdir"), "pgstream-warm-up");
        StreamPathWarmUp.run(1_000, Duration.ofMinutes(5), e -> {});

        assertThat(spill).doesNotExist();
        assertThat(Files.exists(spill)).isFalse();
    }
}
