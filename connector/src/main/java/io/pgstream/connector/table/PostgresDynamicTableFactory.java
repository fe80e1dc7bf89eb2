package io.pgstream.connector.table;

import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.factories.DynamicTableSourceFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * Creates the {@code pgstream} table source from {@code CREATE TABLE ... WITH ('connector' =
 * 'pgstream', ...)}; registered in {@code META-INF/services}.
 *
 * <pre>{@code
 * CREATE TABLE docs (
 *   id INT, category STRING, price DECIMAL(10, 2),
 *   op_ts TIMESTAMP_LTZ(3) METADATA FROM 'op_ts' VIRTUAL,
 *   PRIMARY KEY (id) NOT ENFORCED
 * ) WITH (
 *   'connector' = 'pgstream',
 *   'url' = 'postgresql://replicator@db:5432/app',
 *   'table-name' = 'docs',
 *   'slot.name' = 'docs_flink',
 *   'changelog-mode' = 'upsert'
 * );
 * }</pre>
 *
 * <p>Options are checked here without I/O (see {@link PostgresTableConfig#from}); the table itself
 * is checked against PostgreSQL's catalog when the query is planned ({@link
 * PostgresDynamicTableSource}).
 */
public final class PostgresDynamicTableFactory implements DynamicTableSourceFactory {

    public static final String IDENTIFIER = "pgstream";

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(PostgresConnectorOptions.TABLE_NAME, PostgresConnectorOptions.SLOT_NAME);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                PostgresConnectorOptions.URL,
                PostgresConnectorOptions.HOSTNAME,
                PostgresConnectorOptions.PORT,
                PostgresConnectorOptions.USERNAME,
                PostgresConnectorOptions.PASSWORD,
                PostgresConnectorOptions.DATABASE_NAME,
                PostgresConnectorOptions.SCHEMA_NAME,
                PostgresConnectorOptions.PUBLICATION_NAME,
                PostgresConnectorOptions.DECODING_PLUGIN_NAME,
                PostgresConnectorOptions.SCAN_STARTUP_MODE,
                PostgresConnectorOptions.SCAN_STARTUP_LSN,
                PostgresConnectorOptions.SCAN_SNAPSHOT_CHUNK_SIZE,
                PostgresConnectorOptions.CHANGELOG_MODE,
                PostgresConnectorOptions.HEARTBEAT_INTERVAL);
    }

    @Override
    public DynamicTableSource createDynamicTableSource(Context context) {
        FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
        helper.validate();
        PostgresTableConfig config = PostgresTableConfig.from(helper.getOptions());
        List<String> primaryKey =
                context.getCatalogTable()
                        .getResolvedSchema()
                        .getPrimaryKey()
                        .map(UniqueConstraint::getColumns)
                        .orElse(List.of());
        if (config.changelogMode() == PostgresConnectorOptions.ChangelogModeOption.UPSERT
                && primaryKey.isEmpty()) {
            throw new ValidationException(
                    "'changelog-mode' = 'upsert' needs a PRIMARY KEY (...) NOT ENFORCED in the"
                            + " table declaration: the key PostgreSQL identifies rows by");
        }
        return new PostgresDynamicTableSource(config, context.getPhysicalRowDataType(), primaryKey);
    }
}
