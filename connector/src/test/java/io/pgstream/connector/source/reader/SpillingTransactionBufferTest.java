package io.pgstream.connector.source.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.ChangeEvent;
import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.event.Operation;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillingTransactionBufferTest {

    @TempDir Path spill;

    private static ChangeEvent change(int id) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", id);
        row.put("amount", new BigDecimal("1.50"));
        row.put("note", id % 3 == 0 ? null : "n" + id);
        return ChangeEvent.builder(Operation.INSERT)
                .table("public", "t")
                .row(row)
                .commitLsn(new Lsn(1000))
                .lsn(new Lsn(id))
                .xid(7)
                .build();
    }

    private static List<ChangeEvent> drain(Iterator<ChangeEvent> it) {
        List<ChangeEvent> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    private long spillFiles() throws IOException {
        try (Stream<Path> files = Files.list(spill)) {
            return files.count();
        }
    }

    @Test
    void aTransactionWithinBudgetStaysInMemory() throws IOException {
        try (SpillingTransactionBuffer buffer = new SpillingTransactionBuffer(spill, 1 << 20)) {
            for (int i = 0; i < 100; i++) {
                buffer.append(7, change(i), 40);
            }
            assertThat(buffer.spilledBytes()).isZero();
            assertThat(spillFiles()).isZero();
            assertThat(drain(buffer.replay())).extracting(e -> e.row().get("id")).hasSize(100);
        }
    }

    @Test
    void pastTheBudgetChangesGoToDiskAndComeBackEqualAndInOrder() throws IOException {
        List<ChangeEvent> appended = new ArrayList<>();
        SpillingTransactionBuffer buffer = new SpillingTransactionBuffer(spill, 10_000);
        for (int i = 0; i < 5_000; i++) {
            ChangeEvent e = change(i);
            appended.add(e);
            buffer.append(7, e, 40);
        }
        assertThat(buffer.spilledBytes()).isGreaterThan(5_000L * 20);
        assertThat(spillFiles()).isEqualTo(1);
        assertThat(buffer.size()).isEqualTo(5_000);
        assertThat(drain(buffer.replay())).isEqualTo(appended);
        buffer.close();
        assertThat(spillFiles()).as("the spill file is deleted on close").isZero();
    }

    @Test
    void abortedSubtransactionsAreSkippedInMemoryAndOnDisk() {
        for (long budget : new long[] {1 << 20, 2_000}) {
            try (SpillingTransactionBuffer buffer = new SpillingTransactionBuffer(spill, budget)) {
                for (int i = 0; i < 300; i++) {
                    buffer.append(i < 100 ? 7 : i < 200 ? 8 : 9, change(i), 40);
                }
                buffer.abortSubtransaction(8);
                assertThat(drain(buffer.replay()))
                        .extracting(e -> (Integer) e.row().get("id"))
                        .as("budget %d", budget)
                        .hasSize(200)
                        .noneMatch(id -> id >= 100 && id < 200);
            }
        }
    }

    @Test
    void closingHalfWayThroughAReplayStillDeletesTheFile() throws IOException {
        SpillingTransactionBuffer buffer = new SpillingTransactionBuffer(spill, 1_000);
        for (int i = 0; i < 1_000; i++) {
            buffer.append(7, change(i), 40);
        }
        Iterator<ChangeEvent> it = buffer.replay();
        it.next();
        buffer.close();
        assertThat(spillFiles()).isZero();
    }
}
