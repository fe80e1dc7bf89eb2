package io.pgstream.connector.table;

import io.pgstream.connector.source.PostgresSource;
import io.pgstream.connector.source.PostgresSourceBuilder;
import io.pgstream.connector.source.StartupMode;
import io.pgstream.connector.table.PostgresConnectorOptions.ChangelogModeOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.source.DynamicTableSource;
import org.apache.flink.table.connector.source.ScanTableSource;
import org.apache.flink.table.connector.source.SourceProvider;
import org.apache.flink.table.connector.source.abilities.SupportsProjectionPushDown;
import org.apache.flink.table.connector.source.abilities.SupportsReadingMetadata;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.types.DataType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.RowType;

/**
 * The {@code pgstream} table: a {@link ScanTableSource} over {@link PostgresSource} whose rows are
 * the selected columns (projection is pushed down: only those are converted) followed by the
 * requested metadata columns ({@link MetadataColumn}).
 *
 * <p>When the planner asks for the runtime provider, the table is looked up in PostgreSQL's catalog
 * once: every declared column must exist and its declared type must hold the PostgreSQL type
 * ({@link PostgresTypeMapper}), and the changelog mode's needs must be met ({@link
 * ChangelogRequirements}). So a wrong declaration fails the statement, not a running job. The
 * changelog mode itself ({@link #getChangelogMode()}) follows from the options alone: {@code all}
 * gives {@code [I, UB, UA, D]}, {@code upsert} gives {@code [I, UA, D]} with key-only deletes, and
 * a {@code snapshot} scan is insert-only.
 */
public final class PostgresDynamicTableSource
        implements ScanTableSource, SupportsReadingMetadata, SupportsProjectionPushDown {

    private final PostgresTableConfig config;
    private final DataType physicalRowType;
    private final List<String> primaryKey;
    private DataType projectedRowType;
    private List<String> metadataKeys;
    private DataType producedDataType;

    public PostgresDynamicTableSource(
            PostgresTableConfig config, DataType physicalRowType, List<String> primaryKey) {
        this(config, physicalRowType, primaryKey, physicalRowType, List.of(), physicalRowType);
    }

    private PostgresDynamicTableSource(
            PostgresTableConfig config,
            DataType physicalRowType,
            List<String> primaryKey,
            DataType projectedRowType,
            List<String> metadataKeys,
            DataType producedDataType) {
        this.config = Objects.requireNonNull(config, "config");
        this.physicalRowType = physicalRowType;
        this.primaryKey = List.copyOf(primaryKey);
        this.projectedRowType = projectedRowType;
        this.metadataKeys = List.copyOf(metadataKeys);
        this.producedDataType = producedDataType;
    }

    public PostgresTableConfig config() {
        return config;
    }

    @Override
    public ChangelogMode getChangelogMode() {
        if (config.startupMode() == StartupMode.SNAPSHOT_ONLY) {
            return ChangelogMode.insertOnly();
        }
        return config.changelogMode() == ChangelogModeOption.ALL
                ? ChangelogMode.all()
                : ChangelogMode.upsert(true);
    }

    @Override
    public ScanRuntimeProvider getScanRuntimeProvider(ScanContext context) {
        PgTableFacts facts = readCatalog();
        checkDeclaredColumns(facts);
        List<String> selected = fieldNames(projectedRowType);
        ChangelogRequirements.check(config, facts, primaryKey, selected);
        List<ValueConverter> converters = new ArrayList<>();
        List<String> planned = new ArrayList<>();
        List<LogicalType> types = ((RowType) projectedRowType.getLogicalType()).getChildren();
        for (int i = 0; i < selected.size(); i++) {
            PgColumn column = facts.column(selected.get(i)).orElseThrow();
            converters.add(PostgresTypeMapper.converter(column, types.get(i)));
            planned.add(column.displayType() + " read as " + types.get(i).asSummaryString());
        }
        TypeInformation<RowData> producedType = context.createTypeInformation(producedDataType);
        RowDataDeserializationSchema deserializer =
                new RowDataDeserializationSchema(
                        config.table(),
                        selected,
                        converters,
                        planned,
                        types,
                        metadataKeys.stream().map(MetadataColumn::of).toList(),
                        config.changelogMode(),
                        primaryKey,
                        producedType);
        PostgresSourceBuilder<RowData> builder =
                PostgresSource.<RowData>builder()
                        .connection(config.connection())
                        .tables(config.table().toString())
                        .slotName(config.slotName())
                        .publicationName(config.publicationName())
                        .startupMode(config.startupMode())
                        .snapshotChunkRows(config.snapshotChunkRows())
                        .heartbeatInterval(config.heartbeatInterval())
                        .deserializer(deserializer);
        if (config.startupLsn() != null) {
            builder.startAtLsn(config.startupLsn());
        }
        return SourceProvider.of(builder.build());
    }

    private PgTableFacts readCatalog() {
        try (Connection c = config.connection().connect()) {
            return PgTableCatalog.read(c, config.table());
        } catch (SQLException e) {
            throw new ValidationException(
                    "Cannot read the catalog of table "
                            + config.table()
                            + " at "
                            + config.connection().redacted()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** Every declared column, selected or not, so errors do not depend on the query. */
    private void checkDeclaredColumns(PgTableFacts facts) {
        RowType row = (RowType) physicalRowType.getLogicalType();
        for (RowType.RowField field : row.getFields()) {
            PgColumn column =
                    facts.column(field.getName())
                            .orElseThrow(
                                    () ->
                                            new ValidationException(
                                                    "Column '"
                                                            + field.getName()
                                                            + "' is not a column of "
                                                            + facts.table()
                                                            + " (columns: "
                                                            + facts.columnNames()
                                                            + "; names are case-sensitive)"));
            PostgresTypeMapper.converter(column, field.getType());
            if (!field.getType().isNullable()
                    && !column.notNull()
                    && !primaryKey.contains(field.getName())) {
                throw new ValidationException(
                        "Column '"
                                + field.getName()
                                + "' is declared NOT NULL but may be NULL in "
                                + facts.table()
                                + "; drop NOT NULL from the declaration");
            }
        }
    }

    private static List<String> fieldNames(DataType rowType) {
        return ((RowType) rowType.getLogicalType()).getFieldNames();
    }

    @Override
    public Map<String, DataType> listReadableMetadata() {
        Map<String, DataType> m = new LinkedHashMap<>();
        for (MetadataColumn c : MetadataColumn.values()) {
            m.put(c.key(), c.type());
        }
        return m;
    }

    @Override
    public void applyReadableMetadata(List<String> metadataKeys, DataType producedDataType) {
        this.metadataKeys = List.copyOf(metadataKeys);
        this.producedDataType = producedDataType;
    }

    @Override
    public boolean supportsNestedProjection() {
        return false;
    }

    @Override
    public void applyProjection(int[][] projectedFields, DataType producedDataType) {
        this.projectedRowType = producedDataType;
        this.producedDataType = producedDataType;
    }

    @Override
    public DynamicTableSource copy() {
        return new PostgresDynamicTableSource(
                config,
                physicalRowType,
                primaryKey,
                projectedRowType,
                metadataKeys,
                producedDataType);
    }

    @Override
    public String asSummaryString() {
        return "pgstream";
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof PostgresDynamicTableSource)) {
            return false;
        }
        PostgresDynamicTableSource that = (PostgresDynamicTableSource) o;
        return config.equals(that.config)
                && physicalRowType.equals(that.physicalRowType)
                && primaryKey.equals(that.primaryKey)
                && projectedRowType.equals(that.projectedRowType)
                && metadataKeys.equals(that.metadataKeys)
                && producedDataType.equals(that.producedDataType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(config, physicalRowType, primaryKey, metadataKeys);
    }

    @Override
    public String toString() {
        return "PostgresDynamicTableSource{" + config + ", columns=" + projectedRowType + "}";
    }
}
