package io.pgstream.jobs.cli;

import io.pgstream.connector.source.PostgresSourceOptions;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --slot} and {@code --publication}, shared by the commands that manage a slot ({@code
 * setup}, {@code status}, {@code teardown}). Their defaults are the sync job's ({@link
 * PostgresSourceOptions#DEFAULT_SLOT_NAME}), so a job file without {@code source.slot} and these
 * commands without {@code --slot} mean the same slot.
 */
final class SlotOptions {

    @Option(
            names = "--slot",
            paramLabel = "<name>",
            defaultValue = PostgresSourceOptions.DEFAULT_SLOT_NAME,
            description = "Replication slot ([a-z0-9_]); default: ${DEFAULT-VALUE}")
    String slot;

    @Mixin PublicationOption publication;
}
