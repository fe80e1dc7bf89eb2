package io.pgstream.connector.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.slot.TableId;
import io.pgstream.connector.testutils.PostgresExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chunks cover a table exactly: reading every chunk of a plan gives each row once, for integer,
 * composite (text, uuid) and collation-sensitive text keys, a table without a key (page ranges) and
 * an empty table.
 */
class ChunkPlannerITCase {

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    /** Plans {@code table}, reads every chunk, returns the {@code label} column of all rows. */
    private static List<String> readAllChunks(String table, int chunkRows, List<SnapshotChunk> out)
            throws Exception {
        List<String> labels = new ArrayList<>();
        try (Connection c = PG.connect()) {
            TableId id = TableId.parse(table);
            ChunkPlanner.TableKey key = ChunkPlanner.key(c, id);
            List<SnapshotChunk> chunks = new ChunkPlanner(chunkRows).plan(c, id, key);
            out.addAll(chunks);
            for (SnapshotChunk chunk : chunks) {
                try (PreparedStatement ps =
                        c.prepareStatement(ChunkQueries.select(chunk, key.types()))) {
                    int p = 1;
                    if (chunk.lower() != null) {
                        for (String v : chunk.lower()) {
                            ps.setString(p++, v);
                        }
                    }
                    if (chunk.upper() != null) {
                        for (String v : chunk.upper()) {
                            ps.setString(p++, v);
                        }
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            labels.add(rs.getString("label"));
                        }
                    }
                }
            }
        }
        return labels;
    }

    private static void assertEachRowOnce(List<String> labels, int rows) {
        Set<String> distinct = new HashSet<>(labels);
        assertThat(labels).hasSize(rows);
        assertThat(distinct).hasSize(rows);
    }

    @Test
    void integerKeyChunksCoverTheTableOnce() throws Exception {
        PG.execute(
                "CREATE TABLE ints (id int PRIMARY KEY, label text)",
                "INSERT INTO ints SELECT g * 3, 'r' || g FROM generate_series(1, 10000) g");
        List<SnapshotChunk> chunks = new ArrayList<>();
        assertEachRowOnce(readAllChunks("ints", 1000, chunks), 10000);
        assertThat(chunks).hasSize(10);
        assertThat(chunks.get(0).lower()).isNull();
        assertThat(chunks.get(0).upper()).containsExactly("3003");
        assertThat(chunks.get(9).upper()).isNull();
        assertThat(chunks).extracting(SnapshotChunk::id).doesNotHaveDuplicates();
        try (Connection c = PG.connect()) {
            TableId id = TableId.parse("ints");
            assertThat(new ChunkPlanner(1000).planTable(c, id, ChunkPlanner.key(c, id)))
                    .as("the table's rows, counted or estimated")
                    .extracting(ChunkPlanner.TablePlan::estimatedRows)
                    .isEqualTo(10_000L);
        }
    }

    @Test
    void anAnalysedIntegerKeyIsSplitArithmetically() throws Exception {
        PG.execute(
                "CREATE TABLE dense (id bigint PRIMARY KEY, label text)",
                "INSERT INTO dense SELECT g, 'r' || g FROM generate_series(1, 10000) g",
                "INSERT INTO dense SELECT g, 'r' || g FROM generate_series(20001, 30000) g",
                "ANALYZE dense");
        List<SnapshotChunk> chunks = new ArrayList<>();
        assertEachRowOnce(readAllChunks("dense", 1000, chunks), 20000);
        // 30,000 key values for 20,000 rows: a boundary every 1,500 values, gap or not (the
        // ordered pass would put one every 1,000 rows: 1001, 2001, ...).
        assertThat(chunks).hasSize(20);
        assertThat(chunks.get(0).upper()).containsExactly("1501");
        assertThat(chunks.get(1).upper()).containsExactly("3001");
        assertThat(chunks.get(19).lower()).containsExactly("28501");
        assertThat(chunks.get(19).upper()).isNull();
    }

    @Test
    void sparseIntegerKeysFallBackToTheOrderedPass() throws Exception {
        PG.execute(
                "CREATE TABLE sparse (id int PRIMARY KEY, label text)",
                "INSERT INTO sparse SELECT g, 'r' || g FROM generate_series(1, 3000) g",
                "INSERT INTO sparse VALUES (2000000000, 'far')",
                "ANALYZE sparse");
        List<SnapshotChunk> chunks = new ArrayList<>();
        assertEachRowOnce(readAllChunks("sparse", 1000, chunks), 3001);
        assertThat(chunks)
                .extracting(SnapshotChunk::upper)
                .containsExactly(List.of("1001"), List.of("2001"), List.of("2000000000"), null);
    }

    @Test
    void compositeTextAndUuidKeyChunksCoverTheTableOnce() throws Exception {
        PG.execute(
                "CREATE TABLE \"Mixed Keys\" (region text, id uuid, label text,"
                        + " PRIMARY KEY (region, id))",
                "INSERT INTO \"Mixed Keys\" SELECT (ARRAY['a', 'B', 'é', 'b', 'A b'])[1 + g % 5],"
                        + " md5(g::text)::uuid, 'r' || g FROM generate_series(1, 2500) g");
        List<SnapshotChunk> chunks = new ArrayList<>();
        assertEachRowOnce(readAllChunks("\"Mixed Keys\"", 300, chunks), 2500);
        assertThat(chunks).hasSize(9);
        assertThat(chunks.get(0).keyColumns()).containsExactly("region", "id");
    }

    @Test
    void replicaIdentityIndexServesWhenThereIsNoPrimaryKey() throws Exception {
        PG.execute(
                "CREATE TABLE ri (code text NOT NULL, label text)",
                "CREATE UNIQUE INDEX ri_code ON ri (code)",
                "ALTER TABLE ri REPLICA IDENTITY USING INDEX ri_code",
                "INSERT INTO ri SELECT 'c' || g, 'r' || g FROM generate_series(1, 1000) g");
        List<SnapshotChunk> chunks = new ArrayList<>();
        assertEachRowOnce(readAllChunks("ri", 100, chunks), 1000);
        assertThat(chunks.get(0).keyColumns()).containsExactly("code");
    }

    @Test
    void aTableWithoutKeyIsChunkedByPages() throws Exception {
        PG.execute(
                "CREATE TABLE nokey (label text, payload text)",
                "INSERT INTO nokey SELECT 'r' || g, repeat('x', 100) FROM generate_series(1, 5000) g",
                "ANALYZE nokey");
        List<SnapshotChunk> chunks = new ArrayList<>();
        assertEachRowOnce(readAllChunks("nokey", 700, chunks), 5000);
        assertThat(chunks).allMatch(SnapshotChunk::byPages);
        assertThat(chunks.size()).isBetween(6, 9);
        assertThat(chunks.get(chunks.size() - 1).toPage()).as("open-ended").isEqualTo(-1);
    }

    @Test
    void anEmptyTableIsOneChunk() throws Exception {
        PG.execute("CREATE TABLE empty (id int PRIMARY KEY, label text)");
        List<SnapshotChunk> chunks = new ArrayList<>();
        assertThat(readAllChunks("empty", 1000, chunks)).isEmpty();
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).lower()).isNull();
        assertThat(chunks.get(0).upper()).isNull();
    }
}
