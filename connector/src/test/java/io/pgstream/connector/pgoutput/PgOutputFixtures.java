package io.pgstream.connector.pgoutput;

import io.pgstream.connector.event.Lsn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Loads pgoutput messages captured from a real server by {@code pgoutput/capture.sh}: one {@code
 * "<lsn> <hex>"} line per message, in slot order. Public for the reader's tests, which replay them
 * through {@code TestingReplicationStream}.
 */
public final class PgOutputFixtures {

    /** One captured message. */
    public record Captured(Lsn lsn, byte[] bytes) {
        public ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes);
        }

        char type() {
            return (char) bytes[0];
        }
    }

    private PgOutputFixtures() {}

    public static List<Captured> load(String name) {
        String resource = "/pgoutput/" + name + ".hex";
        try (InputStream in = PgOutputFixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture " + resource);
            }
            List<Captured> messages = new ArrayList<>();
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            HexFormat hex = HexFormat.of();
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                int space = line.indexOf(' ');
                messages.add(
                        new Captured(
                                Lsn.parse(line.substring(0, space)),
                                hex.parseHex(line.substring(space + 1))));
            }
            return messages;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The protocol version a fixture was captured with, from its name ({@code basic-v2}). */
    public static int protocolOf(String name) {
        int v = name.lastIndexOf("-v");
        return name.charAt(v + 2) - '0';
    }

    /** Every fixture name. */
    static List<String> all() {
        List<String> names = new ArrayList<>();
        for (String scenario :
                List.of(
                        "alter",
                        "basic",
                        "message",
                        "origin",
                        "replica-full",
                        "streaming",
                        "toast",
                        "truncate",
                        "types")) {
            for (String v : List.of("v1", "v1-binary", "v2", "v2-binary")) {
                names.add(scenario + "-" + v);
            }
        }
        names.add("two-phase-v3");
        names.add("two-phase-v3-binary");
        return names;
    }
}
