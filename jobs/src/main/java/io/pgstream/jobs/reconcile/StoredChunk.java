package io.pgstream.jobs.reconcile;

import io.pgstream.connector.event.Lsn;

/**
 * One vector as the index stores it, without the vector itself: which row and chunk, the chunk's
 * text, the row's content hash and the version ({@code lsn}) that wrote it. {@code content} and
 * {@code contentHash} may be null when a scan did not ask for them (the orphan pass) or a point
 * lacks them.
 */
public record StoredChunk(String id, int chunk, String content, String contentHash, Lsn lsn) {}
