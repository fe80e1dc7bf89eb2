package io.pgstream.jobs.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.sink.VectorWrite;
import java.util.List;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.catalog.UniqueConstraint;
import org.apache.flink.table.data.GenericArrayData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.RowType;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.Test;

/** How changelog rows become vector writes: kinds, key text, columns, version, bad rows. */
class VectorRowConverterTest {

    private static VectorRowConverter converter(String versionColumn) {
        ResolvedSchema schema =
                new ResolvedSchema(
                        List.of(
                                Column.physical("tenant", DataTypes.STRING().notNull()),
                                Column.physical("id", DataTypes.BIGINT().notNull()),
                                Column.physical("embedding", DataTypes.ARRAY(DataTypes.FLOAT())),
                                Column.physical("lsn", DataTypes.STRING())),
                        List.of(),
                        UniqueConstraint.primaryKey("pk", List.of("tenant", "id")),
                        List.of());
        RowType type = (RowType) schema.toPhysicalRowDataType().getLogicalType();
        return new VectorRowConverter(
                VectorTableSchema.of("t", schema, type, versionColumn), "public.vecs", 2);
    }

    private static GenericRowData row(RowKind kind, String lsn, Float... embedding) {
        return GenericRowData.ofKind(
                kind,
                StringData.fromString("acme"),
                7L,
                embedding == null ? null : new GenericArrayData(embedding),
                lsn == null ? null : StringData.fromString(lsn));
    }

    @Test
    void insertsAndUpdatesUpsertDeletesDeleteAndUpdateBeforeIsSkipped() {
        VectorRowConverter c = converter("lsn");
        VectorWrite upsert = c.convert(row(RowKind.UPDATE_AFTER, "16/B374D848", 1f, 2f));
        assertThat(upsert.kind()).isEqualTo(VectorWrite.Kind.UPSERT);
        assertThat(upsert.sourceTable()).isEqualTo("public.vecs");
        assertThat(upsert.id()).isEqualTo("[\"acme\",\"7\"]");
        assertThat(upsert.chunks().get(0).embedding()).containsExactly(1f, 2f);
        assertThat(upsert.metadataJson())
                .isEqualTo("{\"tenant\":\"acme\",\"id\":7,\"lsn\":\"16/B374D848\"}");
        assertThat(upsert.lsn()).isEqualTo(Lsn.parse("16/B374D848"));

        VectorWrite delete = c.convert(row(RowKind.DELETE, "17/0", (Float[]) null));
        assertThat(delete.kind()).isEqualTo(VectorWrite.Kind.DELETE);
        assertThat(delete.id()).isEqualTo(upsert.id());
        assertThat(delete.lsn()).isEqualTo(Lsn.parse("17/0"));

        assertThat(c.convert(row(RowKind.UPDATE_BEFORE, "16/0", 1f, 2f))).isNull();
    }

    @Test
    void withoutAVersionColumnOrWithANullVersionEveryWriteIsTheOldest() {
        assertThat(converter(null).convert(row(RowKind.INSERT, "16/0", 1f, 2f)).lsn())
                .isEqualTo(Lsn.INVALID);
        assertThat(converter("lsn").convert(row(RowKind.INSERT, null, 1f, 2f)).lsn())
                .isEqualTo(Lsn.INVALID);
    }

    @Test
    void badRowsFailNamingTheTableAndColumn() {
        VectorRowConverter c = converter("lsn");
        assertThatThrownBy(() -> c.convert(row(RowKind.INSERT, "yesterday", 1f, 2f)))
                .hasMessageContaining(
                        "Vector table t: version column lsn: Invalid LSN 'yesterday'");
        assertThatThrownBy(() -> c.convert(row(RowKind.INSERT, "1/0", 1f, 2f, 3f)))
                .hasMessageContaining("has 3 dimensions but the table stores 2");
        assertThatThrownBy(() -> c.convert(row(RowKind.INSERT, "1/0", (Float[]) null)))
                .hasMessageContaining("embedding column embedding is NULL in an upsert");
    }
}
