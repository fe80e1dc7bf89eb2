package io.pgstream.bench.peers;

import io.pgstream.connector.connection.PgConnectionConfig;
import java.util.Properties;

/**
 * The one Debezium configuration every streaming peer run uses: the PostgreSQL connector on an
 * existing pgoutput slot and publication, {@code snapshot.mode=no_data}, offsets in memory, and the
 * engine's default batch and queue sizes, so the peer runs as it ships.
 */
final class DebeziumProperties {

    private DebeziumProperties() {}

    static Properties streaming(
            PgConnectionConfig db, String slot, String publication, String table) {
        Properties p = new Properties();
        p.setProperty("name", "pgstream-peer-" + slot);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty(
                "offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "60000");
        p.setProperty("database.hostname", db.host());
        p.setProperty("database.port", Integer.toString(db.port()));
        p.setProperty("database.user", db.user());
        p.setProperty("database.password", "");
        p.setProperty("database.dbname", db.database());
        p.setProperty("topic.prefix", "peer");
        p.setProperty("table.include.list", table);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slot);
        p.setProperty("publication.name", publication);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("snapshot.mode", "no_data");
        return p;
    }
}
