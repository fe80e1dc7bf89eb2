package io.pgstream.connector.source.enumerator;

import org.apache.flink.api.connector.source.SourceEvent;

/**
 * Sent by the enumerator to every reader once the stream may start: the snapshot, if any, is read
 * and covered by a completed checkpoint. A reader holds the stream splits it restored until then,
 * so a table added to the configuration is snapshotted before its changes stream, as on a fresh
 * start.
 */
public record StreamReleasedEvent() implements SourceEvent {}
