package io.pgstream.jobs.cli;

import io.pgstream.connector.slot.ReplicationSpec;
import io.pgstream.connector.slot.SlotManager;
import io.pgstream.connector.slot.SlotStatus;
import io.pgstream.connector.slot.TableId;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code pgstream setup}: checks the server, then creates the publication and slot if missing. */
@Command(
        name = "setup",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = {
            "Check the server and create the publication and pgoutput slot if missing.",
            "Idempotent; an existing publication is used as it is (a table it lacks is reported).",
            "Exit code 2 when the server needs fixing first (the message says how)."
        })
final class SetupCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ConnectionOptions connection;

    @Mixin SlotOptions slot;

    @Option(
            names = "--table",
            paramLabel = "<schema.table>",
            required = true,
            description =
                    "Table to publish (repeatable); unquoted names fold to lower case, quote"
                            + " others: '\"My\".\"Table\"'")
    List<String> tables;

    @Option(names = "--json", description = "Print the resulting status as one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        List<TableId> ids = new ArrayList<>();
        for (String table : tables) {
            try {
                ids.add(TableId.parse(table));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(
                        spec.commandLine(), "invalid --table: " + e.getMessage());
            }
        }
        SlotStatus status =
                new SlotManager(connection.config())
                        .setup(new ReplicationSpec(slot.slot, slot.publication.name, ids));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(SlotStatusJson.toJson(status));
        } else {
            out.print(SlotStatusText.toText(status));
        }
        out.flush();
        return 0;
    }
}
