package io.pgstream.jobs.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.testutils.MiniClusters;
import io.pgstream.connector.testutils.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dead letters reach their PostgreSQL table ({@code schema.name}) through a job; a replayed letter
 * is kept once.
 */
class DeadLetterSinkITCase {

    @RegisterExtension static final MiniClusterExtension MINI_CLUSTER = MiniClusters.withSlots(2);

    @RegisterExtension static final PostgresExtension PG = new PostgresExtension();

    @Test
    void deadLettersAreStoredOnceWithTheirError() throws Exception {
        Instant t = Instant.parse("2024-05-01T10:00:00Z");
        DeadLetter a =
                DeadLetter.of("public.docs", "1", new Lsn(10), "HTTP 400: bad input", "hello", t);
        DeadLetter b =
                DeadLetter.of("public.docs", "2", new Lsn(11), "text over 512 tokens", null, t);
        PG.execute("CREATE SCHEMA failed");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.fromData(TypeInformation.of(DeadLetterChange.class), a, b, a)
                .sinkTo(new DeadLetterSink(PG.config(), "failed.letters"));
        env.execute("dead letters");

        List<String> rows = new ArrayList<>();
        try (Connection c = PG.connect();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT source_table, id, lsn, error, text,"
                                        + " extract(epoch from failed_at)::bigint"
                                        + " FROM failed.letters ORDER BY id")) {
            while (rs.next()) {
                rows.add(
                        rs.getString(1)
                                + "|"
                                + rs.getString(2)
                                + "|"
                                + rs.getLong(3)
                                + "|"
                                + rs.getString(4)
                                + "|"
                                + rs.getString(5)
                                + "|"
                                + rs.getLong(6));
            }
        }
        assertThat(rows)
                .containsExactly(
                        "public.docs|1|10|HTTP 400: bad input|hello|" + t.getEpochSecond(),
                        "public.docs|2|11|text over 512 tokens|null|" + t.getEpochSecond());
    }
}
