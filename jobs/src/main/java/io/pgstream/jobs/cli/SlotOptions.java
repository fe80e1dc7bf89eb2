package io.pgstream.jobs.cli;

import picocli.CommandLine.Option;

/** {@code --slot} and {@code --publication}, shared by the commands that manage or read a slot. */
final class SlotOptions {

    @Option(
            names = "--slot",
            paramLabel = "<name>",
            defaultValue = "pgstream",
            description = "Replication slot ([a-z0-9_]); default: ${DEFAULT-VALUE}")
    String slot;

    @Option(
            names = "--publication",
            paramLabel = "<name>",
            defaultValue = "pgstream_pub",
            description = "Publication; default: ${DEFAULT-VALUE}")
    String publication;
}
