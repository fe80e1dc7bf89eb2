package io.pgstream.jobs.cli;

import io.pgstream.connector.source.PostgresSourceOptions;
import picocli.CommandLine.Option;

/**
 * {@code --publication}, for every command that names a slot's publication ({@link SlotOptions} and
 * {@code tail}). Its default is the sync job's, whatever the command's default slot.
 */
final class PublicationOption {

    @Option(
            names = "--publication",
            paramLabel = "<name>",
            defaultValue = PostgresSourceOptions.DEFAULT_PUBLICATION_NAME,
            description = "Publication; default: ${DEFAULT-VALUE}")
    String name;
}
