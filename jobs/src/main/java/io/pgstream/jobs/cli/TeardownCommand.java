package io.pgstream.jobs.cli;

import io.pgstream.connector.slot.SlotManager;
import io.pgstream.connector.slot.TeardownResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pgstream teardown}: drops the slot, then the publication. */
@Command(
        name = "teardown",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = {
            "Drop the slot, then the publication. Idempotent.",
            "Refuses a slot in use (naming the PID) unless --force."
        })
final class TeardownCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ConnectionOptions connection;

    @Mixin SlotOptions slot;

    @Option(
            names = "--force",
            description =
                    "Terminate the process using the slot (waiting up to 10 s for it to let go)"
                            + " and drop it anyway")
    boolean force;

    @Override
    public Integer call() throws Exception {
        TeardownResult result =
                new SlotManager(connection.config())
                        .teardown(slot.slot, slot.publication.name, force);
        PrintWriter out = spec.commandLine().getOut();
        if (result.terminatedPid() != null) {
            out.println("terminated PID " + result.terminatedPid() + ", which was using the slot");
        }
        out.println(
                (result.slotDropped() ? "dropped slot " : "no slot ")
                        + slot.slot
                        + (result.slotDropped() ? "" : " to drop"));
        out.println(
                (result.publicationDropped() ? "dropped publication " : "no publication ")
                        + slot.publication.name
                        + (result.publicationDropped() ? "" : " to drop"));
        out.flush();
        return 0;
    }
}
