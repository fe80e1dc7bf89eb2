package io.pgstream.jobs.testutils;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A local port nothing listens on, for tests of "connection refused". */
public final class ClosedPort {
    private ClosedPort() {}

    /**
     * A port that was free a moment ago and is closed again: a connection to it is refused (another
     * process could take it meanwhile, which the ephemeral range makes unlikely).
     */
    public static int find() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
