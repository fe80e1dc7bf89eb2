package io.pgstream.jobs.cli;

import io.pgstream.connector.format.ChangeEventJson;
import io.pgstream.connector.slot.SlotStatus;
import io.pgstream.connector.slot.TableId;

/**
 * A {@link SlotStatus} as the one-line JSON object that {@code setup --json} and {@code status
 * --json} print. Scripts read these field names, so they only ever gain fields.
 */
final class SlotStatusJson {
    private SlotStatusJson() {}

    static String toJson(SlotStatus s) {
        StringBuilder sb = new StringBuilder("{");
        field(sb, "slot", s.slot());
        field(sb, "publication", s.publication());
        field(sb, "exists", s.exists());
        field(sb, "plugin", s.plugin());
        field(sb, "active", s.active());
        field(sb, "active_pid", s.activePid());
        field(sb, "confirmed_flush_lsn", s.confirmedFlushLsn());
        field(sb, "restart_lsn", s.restartLsn());
        field(sb, "retained_wal_bytes", s.retainedWalBytes());
        field(sb, "lag_bytes", s.lagBytes());
        field(sb, "publication_exists", s.publicationExists());
        sb.append("\"tables\":[");
        for (int i = 0; i < s.publicationTables().size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            TableId t = s.publicationTables().get(i);
            ChangeEventJson.string(sb, t.toString());
        }
        return sb.append("]}").toString();
    }

    private static void field(StringBuilder sb, String name, Object value) {
        ChangeEventJson.string(sb, name);
        sb.append(':');
        ChangeEventJson.value(sb, value);
        sb.append(',');
    }
}
