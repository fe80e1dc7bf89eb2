package io.pgstream.jobs.cli;

import io.pgstream.connector.slot.SlotManager;
import io.pgstream.connector.slot.SlotStatus;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgstream status}: the slot's progress and the publication's tables; changes nothing. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = {
            "Show the slot (active?, confirmed flush LSN, WAL it retains) and the tables of the"
                    + " publication. Changes nothing; a missing slot is reported, not an error."
        })
final class StatusCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ConnectionOptions connection;

    @Mixin SlotOptions slot;

    @Option(names = "--json", description = "Print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        SlotStatus status =
                new SlotManager(connection.config()).status(slot.slot, slot.publication.name);
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
