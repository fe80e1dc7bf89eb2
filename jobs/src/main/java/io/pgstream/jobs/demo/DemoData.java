package io.pgstream.jobs.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

/**
 * The demo's sample table: {@code public.documents} with a few hundred short articles across
 * several categories, written from fixed phrase lists with a fixed seed, so every demo shows the
 * same rows and a search for, say, "replication lag" finds the replication articles. Outside {@code
 * cli} because it writes SQL, which the command line leaves to the packages that own it.
 */
public final class DemoData {

    public static final String TABLE = "public.documents";

    private static final String[][] TOPICS = {
        {
            "databases",
            "replication slots",
            "logical decoding",
            "vacuum and bloat",
            "index tuning",
            "connection pooling",
            "write-ahead logging"
        },
        {
            "streaming",
            "checkpoints in Flink",
            "exactly-once sinks",
            "backpressure",
            "watermarks and late events",
            "stateful operators",
            "savepoints and upgrades"
        },
        {
            "machine learning",
            "sentence embeddings",
            "vector similarity search",
            "retrieval-augmented generation",
            "model quantization",
            "evaluation of rankers",
            "feature stores"
        },
        {
            "operations",
            "on-call runbooks",
            "capacity planning",
            "alerting on lag",
            "disaster recovery drills",
            "rolling deployments",
            "cost dashboards"
        },
        {
            "cooking",
            "sourdough starters",
            "knife skills",
            "slow-cooked stews",
            "fermented vegetables",
            "weeknight pasta",
            "spice blends"
        },
        {
            "travel",
            "night trains in Europe",
            "packing light",
            "mountain huts",
            "city walking tours",
            "travel insurance",
            "jet lag"
        }
    };

    private static final String[] OPENINGS = {
        "A practical guide to %s",
        "What nobody tells you about %s",
        "Ten lessons learned from %s",
        "Getting started with %s",
        "Common mistakes with %s",
        "A deep dive into %s",
        "Why %s matters more than you think",
        "Notes from a year of %s"
    };

    private static final String[] SENTENCES = {
        "Start small and measure before you change anything about %s.",
        "Most problems with %s show up only under real load, so test with production-like data.",
        "Teams that write down how they handle %s recover faster when something breaks.",
        "The defaults for %s are reasonable, but they were chosen for a different workload.",
        "Good monitoring turns %s from a guessing game into a routine task.",
        "Experts disagree on the details of %s, yet they agree on the fundamentals.",
        "Automate the boring parts of %s and keep a human in the loop for the rest.",
        "A short checklist for %s prevents most of the incidents we have seen."
    };

    private DemoData() {}

    /** Creates the table when missing and fills it when empty; returns the number of rows. */
    public static int create(Connection c, int rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(
                    "CREATE TABLE IF NOT EXISTS public.documents ("
                            + " id bigint PRIMARY KEY,"
                            + " title text NOT NULL,"
                            + " content text NOT NULL,"
                            + " category text NOT NULL,"
                            + " updated_at timestamptz NOT NULL DEFAULT now())");
            try (var rs = s.executeQuery("SELECT count(*) FROM public.documents")) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return (int) rs.getLong(1);
                }
            }
        }
        Random random = new Random(42);
        try (PreparedStatement ps =
                c.prepareStatement(
                        "INSERT INTO public.documents (id, title, content, category)"
                                + " VALUES (?, ?, ?, ?)")) {
            for (int id = 1; id <= rows; id++) {
                String[] topic = TOPICS[random.nextInt(TOPICS.length)];
                String subject = topic[1 + random.nextInt(topic.length - 1)];
                String title =
                        capitalize(
                                String.format(OPENINGS[random.nextInt(OPENINGS.length)], subject));
                StringBuilder content = new StringBuilder();
                int sentences = 3 + random.nextInt(4);
                for (int i = 0; i < sentences; i++) {
                    if (i > 0) {
                        content.append(' ');
                    }
                    content.append(
                            capitalize(
                                    String.format(
                                            SENTENCES[random.nextInt(SENTENCES.length)], subject)));
                }
                ps.setLong(1, id);
                ps.setString(2, title);
                ps.setString(3, content.toString());
                ps.setString(4, topic[0]);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return rows;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
