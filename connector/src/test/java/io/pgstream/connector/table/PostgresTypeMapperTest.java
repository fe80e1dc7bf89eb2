package io.pgstream.connector.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgstream.connector.event.NumericSpecial;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.data.TimestampData;
import org.apache.flink.table.types.DataType;
import org.junit.jupiter.api.Test;

/**
 * Which declared Flink type a PostgreSQL column can be read as, and what the chosen converter makes
 * of single values, including the messages for values the declared type cannot hold.
 */
class PostgresTypeMapperTest {

    private static PgColumn column(String typeName, int typmod) {
        return new PgColumn("c", typeName, typeName, 'b', typmod, null, false, 'x');
    }

    private static PgColumn arrayOf(PgColumn element) {
        return new PgColumn(
                "c",
                element.typeName() + "[]",
                "_" + element.typeName(),
                'b',
                -1,
                element,
                false,
                'x');
    }

    /** {@code numeric(p,s)}'s type modifier. */
    private static int numeric(int p, int s) {
        return ((p << 16) | s) + 4;
    }

    private static ValueConverter converter(PgColumn column, DataType declared) {
        return PostgresTypeMapper.converter(column, declared.getLogicalType());
    }

    @Test
    void acceptsOnlyDeclaredTypesThatHoldEveryValue() {
        assertThat(converter(column("numeric", numeric(12, 2)), DataTypes.DECIMAL(14, 2)))
                .isNotNull();
        assertThatThrownBy(() -> converter(column("numeric", numeric(12, 2)), DataTypes.INT()))
                .isInstanceOf(ValidationException.class)
                .hasMessage(
                        "Column 'c': PostgreSQL type numeric cannot be read as Flink type INT;"
                                + " declare it as DECIMAL(12, 2)");
        assertThatThrownBy(() -> converter(column("varchar", 24), DataTypes.VARCHAR(10)))
                .isInstanceOf(ValidationException.class);
        assertThat(converter(column("varchar", 24), DataTypes.VARCHAR(20))).isNotNull();
        assertThatThrownBy(() -> converter(column("timestamp", 6), DataTypes.TIMESTAMP(3)))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void convertsValuesToFlinkInternalData() {
        assertThat(converter(column("int4", -1), DataTypes.BIGINT()).toInternal(7)).isEqualTo(7L);
        assertThat(
                        converter(column("numeric", numeric(12, 2)), DataTypes.DECIMAL(12, 2))
                                .toInternal(new BigDecimal("1.5")))
                .isEqualTo(DecimalData.fromBigDecimal(new BigDecimal("1.50"), 12, 2));
        assertThat(
                        converter(column("numeric", -1), DataTypes.STRING())
                                .toInternal(new BigDecimal("1E+3")))
                .isEqualTo(StringData.fromString("1000"));
        assertThat(
                        converter(column("time", -1), DataTypes.TIME(3))
                                .toInternal(LocalTime.of(0, 0, 1, 2_500_000)))
                .isEqualTo(1002);
        assertThat(
                        converter(column("date", -1), DataTypes.DATE())
                                .toInternal(LocalDate.of(1970, 1, 2)))
                .isEqualTo(1);
        LocalDateTime noon = LocalDateTime.of(2024, 5, 1, 12, 0);
        assertThat(converter(column("timestamp", -1), DataTypes.TIMESTAMP(6)).toInternal(noon))
                .isEqualTo(TimestampData.fromLocalDateTime(noon));
        ArrayData array =
                (ArrayData)
                        converter(arrayOf(column("int4", -1)), DataTypes.ARRAY(DataTypes.INT()))
                                .toInternal(Arrays.asList(1, null, 3));
        assertThat(array.size()).isEqualTo(3);
        assertThat(array.getInt(0)).isEqualTo(1);
        assertThat(array.isNullAt(1)).isTrue();
        ArrayData vector =
                (ArrayData)
                        converter(column("vector", -1), DataTypes.ARRAY(DataTypes.FLOAT()))
                                .toInternal(new float[] {0.5f, 1f});
        assertThat(vector.toFloatArray()).containsExactly(0.5f, 1f);
    }

    @Test
    void namesTheValueADeclaredTypeCannotHold() {
        ValueConverter decimal = converter(column("numeric", -1), DataTypes.DECIMAL(5, 1));
        assertThatThrownBy(() -> decimal.toInternal(NumericSpecial.NAN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "column 'c': NaN cannot be a DECIMAL(5, 1); declare the column STRING to"
                                + " read NaN and infinities");
        assertThatThrownBy(() -> decimal.toInternal(new BigDecimal("1.25")))
                .hasMessage(
                        "column 'c': value 1.25 does not fit DECIMAL(5, 1) exactly; declare a"
                                + " wider DECIMAL or STRING");
        assertThatThrownBy(
                        () ->
                                converter(column("date", -1), DataTypes.DATE())
                                        .toInternal(LocalDate.MAX))
                .hasMessage(
                        "date infinity has no Flink SQL value; filter it out in PostgreSQL or"
                                + " avoid storing it");
        assertThatThrownBy(
                        () ->
                                converter(
                                                arrayOf(column("int4", -1)),
                                                DataTypes.ARRAY(DataTypes.INT()))
                                        .toInternal("{{1},{2}}"))
                .hasMessage(
                        "column 'c': a multi-dimensional array ({{1},{2}}) cannot be read as a"
                                + " one-dimensional ARRAY; store one-dimensional arrays or read"
                                + " the column elsewhere");
    }
}
