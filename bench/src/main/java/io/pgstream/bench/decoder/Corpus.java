package io.pgstream.bench.decoder;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * pgoutput messages captured from a slot, with their LSNs, in a length-prefixed file, so the
 * decoder benchmark measures decoding only: no network, no server.
 */
final class Corpus {

    final long[] lsns;
    final byte[][] messages;
    final int protocolVersion;

    Corpus(int protocolVersion, List<Long> lsns, List<byte[]> messages) {
        this.protocolVersion = protocolVersion;
        this.lsns = lsns.stream().mapToLong(Long::longValue).toArray();
        this.messages = messages.toArray(new byte[0][]);
    }

    long totalBytes() {
        long total = 0;
        for (byte[] m : messages) {
            total += m.length;
        }
        return total;
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (DataOutputStream out =
                new DataOutputStream(
                        new BufferedOutputStream(Files.newOutputStream(file), 1 << 20))) {
            out.writeInt(protocolVersion);
            out.writeInt(messages.length);
            for (int i = 0; i < messages.length; i++) {
                out.writeLong(lsns[i]);
                out.writeInt(messages[i].length);
                out.write(messages[i]);
            }
        }
    }

    static Corpus read(Path file) throws IOException {
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
            int protocol = in.readInt();
            int n = in.readInt();
            List<Long> lsns = new ArrayList<>(n);
            List<byte[]> messages = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                lsns.add(in.readLong());
                byte[] m = new byte[in.readInt()];
                in.readFully(m);
                messages.add(m);
            }
            return new Corpus(protocol, lsns, messages);
        }
    }
}
