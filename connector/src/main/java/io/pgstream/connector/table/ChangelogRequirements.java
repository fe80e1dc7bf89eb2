package io.pgstream.connector.table;

import io.pgstream.connector.source.StartupMode;
import io.pgstream.connector.table.PostgresConnectorOptions.ChangelogModeOption;
import java.util.HashSet;
import java.util.List;
import org.apache.flink.table.api.ValidationException;

/**
 * Checks, at planning time, that PostgreSQL sends what a changelog mode promises the planner.
 *
 * <ul>
 *   <li>{@code all} needs REPLICA IDENTITY FULL: without it an UPDATE carries no old row (no {@code
 *       -U}) and a DELETE only the key.
 *   <li>{@code upsert} needs the declared PRIMARY KEY to be the key PostgreSQL identifies rows by
 *       (the primary key, or the REPLICA IDENTITY USING INDEX columns), and, unless the table has
 *       REPLICA IDENTITY FULL, every selected non-key column must be one PostgreSQL always sends:
 *       an unchanged value stored out of line (TOAST) is not resent on UPDATE, and an upsert row
 *       without it would overwrite the real value with NULL. Columns with {@code STORAGE PLAIN}
 *       (integers, timestamps, ... and any column set so) are never stored out of line.
 * </ul>
 *
 * A {@code snapshot} scan only inserts and needs neither.
 */
final class ChangelogRequirements {

    private ChangelogRequirements() {}

    /**
     * @throws ValidationException saying what is missing and the statement that fixes it
     */
    static void check(
            PostgresTableConfig config,
            PgTableFacts facts,
            List<String> declaredKey,
            List<String> selectedColumns) {
        if (config.startupMode() == StartupMode.SNAPSHOT_ONLY) {
            return;
        }
        String table = facts.table().toString();
        if (config.changelogMode() == ChangelogModeOption.ALL) {
            if (!facts.replicaIdentityFull()) {
                throw new ValidationException(
                        "'changelog-mode' = 'all' emits UPDATE_BEFORE and full DELETE rows, which"
                                + " PostgreSQL sends only for tables with REPLICA IDENTITY FULL;"
                                + " table "
                                + table
                                + " has REPLICA IDENTITY "
                                + identityName(facts.replicaIdentity())
                                + ". Run: "
                                + facts.alterReplicaIdentityFull()
                                + " (or use 'changelog-mode' = 'upsert' with the table's"
                                + " PRIMARY KEY)");
            }
            return;
        }
        if (facts.replicaIdentity() == 'n'
                || (facts.replicaIdentity() == 'd' && facts.primaryKey().isEmpty())) {
            throw new ValidationException(
                    "Table "
                            + table
                            + " has no key PostgreSQL sends with updates and deletes (REPLICA"
                            + " IDENTITY "
                            + identityName(facts.replicaIdentity())
                            + (facts.primaryKey().isEmpty() ? ", no primary key" : "")
                            + "). Add a primary key, or run: "
                            + facts.alterReplicaIdentityFull());
        }
        List<String> expected =
                facts.replicaIdentityFull() ? facts.primaryKey() : facts.identityKey();
        if (!expected.isEmpty() && !new HashSet<>(expected).equals(new HashSet<>(declaredKey))) {
            throw new ValidationException(
                    "'changelog-mode' = 'upsert' is keyed by the declared PRIMARY KEY "
                            + (declaredKey.isEmpty() ? "(none)" : declaredKey)
                            + ", which must be the key PostgreSQL identifies rows of "
                            + table
                            + " by: declare PRIMARY KEY ("
                            + String.join(", ", expected)
                            + ") NOT ENFORCED");
        }
        if (facts.replicaIdentityFull()) {
            return;
        }
        for (String name : selectedColumns) {
            PgColumn c = facts.column(name).orElseThrow();
            if (!declaredKey.contains(name) && c.toastable()) {
                throw new ValidationException(
                        "Column '"
                                + name
                                + "' ("
                                + c.displayType()
                                + ") of "
                                + table
                                + " may be stored out of line (TOAST), and PostgreSQL does not"
                                + " resend an unchanged out-of-line value on UPDATE unless the"
                                + " table has REPLICA IDENTITY FULL: 'changelog-mode' = 'upsert'"
                                + " would emit NULL for it. Run: "
                                + facts.alterReplicaIdentityFull()
                                + "; or, if its values are always small, ALTER TABLE "
                                + facts.table().quoted()
                                + " ALTER COLUMN "
                                + io.pgstream.connector.slot.Identifiers.quote(name)
                                + " SET STORAGE PLAIN; or leave the column out of the query");
            }
        }
    }

    private static String identityName(char identity) {
        switch (identity) {
            case 'd':
                return "DEFAULT";
            case 'f':
                return "FULL";
            case 'i':
                return "USING INDEX";
            default:
                return "NOTHING";
        }
    }
}
