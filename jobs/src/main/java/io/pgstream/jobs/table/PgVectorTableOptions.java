package io.pgstream.jobs.table;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The {@code WITH} keys of {@code 'connector' = 'pgvector'} tables, declared once. */
public final class PgVectorTableOptions {
    private PgVectorTableOptions() {}

    public static final ConfigOption<String> URL =
            ConfigOptions.key("url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The database holding the vector table: libpq URI"
                                    + " (postgresql://user@host:5432/db) or JDBC URL (required).");

    public static final ConfigOption<String> USERNAME =
            ConfigOptions.key("username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Role to connect as; overrides a user in 'url'.");

    public static final ConfigOption<String> PASSWORD =
            ConfigOptions.key("password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Password of 'username'. Never logged or printed.");

    public static final ConfigOption<String> TABLE_NAME =
            ConfigOptions.key("table-name")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The vector table, schema.table (required); created when missing.");
}
