package io.pgstream.connector.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CopyBinaryRowsTest {

    /** The bytes PostgreSQL sends for these rows (null fields as SQL NULL), header and trailer. */
    private static byte[] stream(String[]... rows) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("PGCOPY\n".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {(byte) 0xff, '\r', '\n', 0});
        out.writeInt(0); // flags
        out.writeInt(3); // header extension length
        out.write(new byte[] {9, 9, 9});
        for (String[] row : rows) {
            out.writeShort(row.length);
            for (String field : row) {
                if (field == null) {
                    out.writeInt(-1);
                } else {
                    byte[] b = field.getBytes(StandardCharsets.UTF_8);
                    out.writeInt(b.length);
                    out.write(b);
                }
            }
        }
        out.writeShort(-1);
        return bytes.toByteArray();
    }

    private static List<List<String>> parse(CopyBinaryRows rows, List<byte[]> messages) {
        List<List<String>> out = new ArrayList<>();
        for (byte[] m : messages) {
            rows.accept(
                    m,
                    (buf, offsets, lengths, fields) -> {
                        List<String> row = new ArrayList<>();
                        for (int i = 0; i < fields; i++) {
                            row.add(
                                    lengths[i] < 0
                                            ? null
                                            : new String(
                                                    buf,
                                                    offsets[i],
                                                    lengths[i],
                                                    StandardCharsets.UTF_8));
                        }
                        out.add(row);
                    });
        }
        return out;
    }

    @Test
    void rowsAndNullsAndTheEndMarker() throws IOException {
        CopyBinaryRows rows = new CopyBinaryRows();
        List<List<String>> parsed =
                parse(
                        rows,
                        List.of(
                                stream(
                                        new String[] {"1", "tab\tand\\backslash", null},
                                        new String[] {"2", "", "ü"})));
        assertThat(parsed)
                .containsExactly(
                        Arrays.asList("1", "tab\tand\\backslash", null), List.of("2", "", "ü"));
        assertThat(rows.ended()).isTrue();
        assertThat(rows.pending()).isFalse();
    }

    @Test
    void rowsSplitAnywhereAcrossMessagesComeOutWhole() throws IOException {
        byte[] all = stream(new String[] {"first", null, "x"}, new String[] {"second", "y", "zz"});
        for (int cut = 1; cut < all.length; cut++) {
            CopyBinaryRows rows = new CopyBinaryRows();
            List<List<String>> parsed =
                    parse(
                            rows,
                            List.of(
                                    Arrays.copyOfRange(all, 0, cut),
                                    Arrays.copyOfRange(all, cut, all.length)));
            assertThat(parsed)
                    .as("cut at %d", cut)
                    .containsExactly(
                            Arrays.asList("first", null, "x"), List.of("second", "y", "zz"));
            assertThat(rows.ended()).isTrue();
        }
    }

    @Test
    void aStreamWithoutTheSignatureIsRefused() {
        byte[] text = "1\tabc\n".repeat(10).getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> parse(new CopyBinaryRows(), List.of(text)))
                .hasMessageContaining("PGCOPY");
    }
}
