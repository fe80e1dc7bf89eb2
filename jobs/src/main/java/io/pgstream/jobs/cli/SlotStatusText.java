package io.pgstream.jobs.cli;

import io.pgstream.connector.slot.SlotStatus;
import io.pgstream.connector.slot.TableId;
import java.util.stream.Collectors;

/** A {@link SlotStatus} for people: one aligned line per fact. */
final class SlotStatusText {
    private SlotStatusText() {}

    static String toText(SlotStatus s) {
        StringBuilder sb = new StringBuilder();
        line(sb, "slot", s.slot() + (s.exists() ? "" : " (does not exist)"));
        if (s.exists()) {
            line(sb, "plugin", s.plugin());
            line(sb, "active", s.active() ? "yes, PID " + s.activePid() : "no");
            line(sb, "confirmed flush", s.confirmedFlushLsn());
            line(sb, "restart lsn", s.restartLsn());
            line(
                    sb,
                    "retained wal",
                    s.retainedWalBytes() == null ? "unknown" : s.retainedWalBytes() + " bytes");
            line(sb, "lag", s.lagBytes() == null ? "unknown" : s.lagBytes() + " bytes");
        }
        line(
                sb,
                "publication",
                s.publication() + (s.publicationExists() ? "" : " (does not exist)"));
        if (s.publicationExists()) {
            line(
                    sb,
                    "tables",
                    s.publicationTables().isEmpty()
                            ? "(none)"
                            : s.publicationTables().stream()
                                    .map(TableId::toString)
                                    .collect(Collectors.joining(", ")));
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String value) {
        sb.append(String.format("%-16s %s%n", label, value));
    }
}
