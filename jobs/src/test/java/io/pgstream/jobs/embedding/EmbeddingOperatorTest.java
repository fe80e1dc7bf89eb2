package io.pgstream.jobs.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pgstream.connector.event.Lsn;
import io.pgstream.jobs.document.DocumentChange;
import io.pgstream.jobs.sink.DeadLetter;
import io.pgstream.jobs.sink.DeadLetterResolution;
import io.pgstream.jobs.sink.VectorWrite;
import io.pgstream.jobs.testutils.TestingContentHashLookup;
import io.pgstream.jobs.testutils.TestingEmbeddingModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.mailbox.Mail;
import org.apache.flink.streaming.runtime.tasks.mailbox.TaskMailbox;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The embedding operator in Flink's keyed operator harness, with a fake model that is slow and
 * answers out of order: per-key order, collapse, hash skipping with and without the sink lookup,
 * bounds, checkpoint drain, truncate and dead letters. The harness runs the task's mailbox on the
 * test thread: completions are delivered when the operator yields or the test runs the mails.
 */
@Timeout(60)
class EmbeddingOperatorTest {

    private static final String TABLE = "public.docs";
    private static final Duration LONG_LINGER = Duration.ofHours(1);

    private KeyedOneInputStreamOperatorTestHarness<String, RoutedChange, VectorWrite> harness;
    private TestingEmbeddingModel gatedModel;
    private static SharedLocalSession hangingSession;

    @AfterEach
    void close() throws Exception {
        if (gatedModel != null) {
            gatedModel.releaseAll(); // let parked batch threads finish
        }
        if (harness != null) {
            harness.close();
        }
    }

    // ---- order ----

    @Test
    void keepsInputOrderWhenBatchesCompleteOutOfOrder() throws Exception {
        gatedModel = TestingEmbeddingModel.gated("order");
        EmbeddingOperator op = operator("order", null, config(2, 4, 100));
        harness = open(op);

        process(up("z", "z one", 0)); // the model is idle: sent alone, at once
        process(up("a", "a one", 1)); // batch 1: a, b (formed while z is in flight)
        process(up("b", "b one", 2));
        process(up("a", "a two", 3)); // batch 2: a, c
        process(up("c", "c one", 4));
        process(del("b", 5)); // ready at once, but behind b's upsert
        process(up("d", "d one", 6)); // batch 3: d, a
        process(up("a", "a three", 7));
        await().until(() -> gatedModel.callCount() == 4);

        gatedModel.releaseCallWith("d one");
        gatedModel.releaseCallWith("a two");
        awaitOnTaskThread(() -> op.inFlightBatches() == 2);
        assertThat(harness.extractOutputValues()).isEmpty(); // z holds everything back
        gatedModel.releaseCallWith("z one");
        awaitOnTaskThread(() -> op.inFlightBatches() == 1);
        assertThat(describe(harness.extractOutputValues())).containsExactly("UPSERT z z one 0");

        gatedModel.releaseCallWith("a one");
        awaitOnTaskThread(() -> harness.extractOutputValues().size() == 8);

        assertThat(describe(harness.extractOutputValues()))
                .containsExactly(
                        "UPSERT z z one 0",
                        "UPSERT a a one 1",
                        "UPSERT b b one 2",
                        "UPSERT a a two 3",
                        "UPSERT c c one 4",
                        "DELETE b 5",
                        "UPSERT d d one 6",
                        "UPSERT a a three 7");
        VectorWrite first = harness.extractOutputValues().get(1);
        assertThat(first.chunks().get(0).embedding())
                .containsExactly(TestingEmbeddingModel.vectorOf("a one"));
        assertThat(first.contentHash()).isEqualTo(ContentHash.of("testing", "a one"));
    }

    // ---- eager send ----

    @Test
    void aLoneChangeIsSentWithoutWaitingForTheLinger() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("eager", 0);
        EmbeddingOperator op = operator("eager", null, config(10, 2, 100)); // linger: 1 hour
        harness = open(op);

        process(up("k", "k v1", 1));

        awaitOnTaskThread(() -> harness.extractOutputValues().size() == 1);
        assertThat(describe(harness.extractOutputValues())).containsExactly("UPSERT k k v1 1");
        assertThat(model.calls()).containsExactly(List.of("k v1"));
    }

    @Test
    void batchesFormWhileCallsAreInFlight() throws Exception {
        gatedModel = TestingEmbeddingModel.gated("load");
        EmbeddingOperator op = operator("load", null, config(3, 3, 100));
        harness = open(op);

        process(up("r0", "row 0", 1)); // idle model: alone
        for (int i = 1; i <= 6; i++) {
            process(up("r" + i, "row " + i, i + 1)); // r0 in flight: batches of three
        }
        await().until(() -> gatedModel.callCount() == 3);
        process(up("r7", "row 7", 8)); // calls in flight: waits in the open batch
        gatedModel.releaseAll();
        awaitOnTaskThread(() -> harness.extractOutputValues().size() == 8);

        // the first three calls are in flight together: they reach the model from their own
        // threads, in any order
        List<List<String>> calls = gatedModel.calls();
        assertThat(calls).hasSize(4);
        assertThat(calls.subList(0, 3))
                .containsExactlyInAnyOrder(
                        List.of("row 0"),
                        List.of("row 1", "row 2", "row 3"),
                        List.of("row 4", "row 5", "row 6"));
        assertThat(calls.get(3)).containsExactly("row 7");
    }

    // ---- collapse ----

    @Test
    void collapsesPendingChangesOfAKeyToTheNewest() throws Exception {
        gatedModel = TestingEmbeddingModel.gated("collapse");
        TestingEmbeddingModel model = gatedModel;
        EmbeddingOperator op = operator("collapse", null, config(10, 2, 100));
        harness = open(op);

        process(up("z", "z one", 0)); // in flight: what follows waits in the open batch
        process(up("k", "k v1", 1));
        process(up("x", "x v1", 2));
        process(up("k", "k v2", 3));
        process(metaOnly("k", "{\"m\":3}", 4)); // unchanged TOAST text: keeps "k v2"
        process(up("q", "q v1", 5));
        process(del("q", 6)); // a later delete wins
        model.releaseAll();
        harness.endInput();

        assertThat(model.texts()).containsExactly("z one", "k v2", "x v1");
        List<VectorWrite> out = harness.extractOutputValues();
        assertThat(describe(out))
                .containsExactly(
                        "UPSERT z z one 0", "UPSERT k k v2 4", "UPSERT x x v1 2", "DELETE q 6");
        assertThat(out.get(1).metadataJson()).isEqualTo("{\"m\":3}");
        assertThat(op.collapsedCount()).isEqualTo(3);
    }

    // ---- skipping unchanged texts ----

    @Test
    void skipsTheModelWhenTheTextDidNotChange() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("skip", 0);
        EmbeddingOperator op = operator("skip", null, config(4, 2, 100));
        harness = open(op);

        process(up("k", "same text", 1));
        harness.endInput();
        process(up("k", "same text", 2, "{\"v\":2}"));
        process(metaOnly("k", "{\"v\":3}", 3));
        process(up("k", "new text", 4));
        harness.endInput();

        assertThat(model.texts()).containsExactly("same text", "new text");
        List<VectorWrite> out = harness.extractOutputValues();
        assertThat(describe(out))
                .containsExactly(
                        "UPSERT k same text 1",
                        "METADATA k 2",
                        "METADATA k 3",
                        "UPSERT k new text 4");
        assertThat(out.get(1).metadataJson()).isEqualTo("{\"v\":2}");
        assertThat(op.skippedCount()).isEqualTo(2);
        assertThat(op.computedCount()).isEqualTo(2);
    }

    @Test
    void asksTheSinkOnAMissAndTrustsStateAfterwards() throws Exception {
        gatedModel = TestingEmbeddingModel.gated("lookup");
        TestingEmbeddingModel model = gatedModel;
        TestingContentHashLookup lookup = TestingContentHashLookup.register("lookup");
        lookup.store(TABLE, "1", ContentHash.of("testing", "stored text"));
        EmbeddingOperator op = operator("lookup", "lookup", config(4, 2, 100));
        harness = open(op);

        process(up("z", "z one", 9)); // in flight: the next two form one batch
        await().until(() -> model.callCount() == 1);
        process(up("1", "stored text", 10)); // the sink has it: metadata only
        process(up("2", "fresh text", 11)); // the sink has nothing: embed
        model.releaseAll();
        harness.endInput();
        assertThat(lookup.requests()).containsExactly(TABLE + ":z", TABLE + ":1,2");
        assertThat(model.texts()).containsExactly("z one", "fresh text");
        assertThat(describe(harness.extractOutputValues()))
                .containsExactly("UPSERT z z one 9", "METADATA 1 10", "UPSERT 2 fresh text 11");
        assertThat(op.skippedCount()).isEqualTo(1);

        process(up("1", "stored text", 12)); // known now: no lookup
        process(del("2", 13));
        process(up("2", "fresh text", 14)); // deleted: embed again, do not ask the sink
        harness.endInput();
        assertThat(lookup.requests()).hasSize(2);
        assertThat(model.texts()).containsExactly("z one", "fresh text", "fresh text");
        assertThat(describe(harness.extractOutputValues()).subList(3, 6))
                .containsExactly("METADATA 1 12", "DELETE 2 13", "UPSERT 2 fresh text 14");

        assertThat(lookup.closed()).isFalse();
        harness.close(); // a cancelled job must not leave the sink's connection open
        harness = null;
        assertThat(lookup.closed()).isTrue();
    }

    // ---- bounds and checkpoints ----

    @Test
    void boundsHeldChangesAndConcurrentModelCalls() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("bounds", 3);
        EmbeddingOperator op = operator("bounds", null, config(4, 2, 10));
        harness = open(op);

        Map<String, Long> lastLsn = new HashMap<>();
        int maxHeld = 0;
        for (int i = 0; i < 300; i++) {
            String id = Integer.toString(i % 37);
            process(up(id, "text " + i, 100 + i));
            lastLsn.put(id, 100L + i);
            maxHeld = Math.max(maxHeld, op.bufferedRows());
        }
        harness.endInput();

        assertThat(maxHeld).isLessThanOrEqualTo(10);
        assertThat(model.maxConcurrentCalls()).isLessThanOrEqualTo(2);
        assertThat(model.maxConcurrentTexts()).isLessThanOrEqualTo(8);
        Map<String, List<Long>> perKey = new HashMap<>();
        for (VectorWrite w : harness.extractOutputValues()) {
            perKey.computeIfAbsent(w.id(), k -> new ArrayList<>()).add(w.lsn().value());
        }
        perKey.forEach((id, lsns) -> assertThat(lsns).isSorted());
        perKey.forEach(
                (id, lsns) -> assertThat(lsns.get(lsns.size() - 1)).isEqualTo(lastLsn.get(id)));
    }

    @Test
    void aCheckpointKeepsHeldChangesAndARestoreReissuesThemInOrder() throws Exception {
        gatedModel = TestingEmbeddingModel.gated("held");
        EmbeddingOperator op = operator("held", null, config(2, 2, 100));
        harness = open(op);
        process(up("k", "k v1", 1)); // in flight
        process(up("x", "x v1", 2)); // open batch
        process(del("y", 3)); // ready, behind both
        process(up("k", "k v2", 4)); // seals [x, k v2]: in flight
        await().until(() -> gatedModel.callCount() == 2);

        harness.prepareSnapshotPreBarrier(1); // does not wait for the model
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(op.inFlightBatches()).isEqualTo(2);
        gatedModel.releaseAll(); // what the old operator still emits is lost with its output
        harness.close();

        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("held-after", 0);
        harness = restore(operator("held-after", null, config(2, 2, 100)), snapshot);
        process(up("x", "x v1", 5)); // new input goes after the re-issued changes
        harness.endInput();

        assertThat(describe(harness.extractOutputValues()))
                .containsExactly(
                        "UPSERT k k v1 1",
                        "UPSERT x x v1 2",
                        "DELETE y 3",
                        "UPSERT k k v2 4",
                        "METADATA x 5");
        // Each held text re-issued once; the two batches reach the model in no fixed order.
        assertThat(model.texts()).containsExactlyInAnyOrder("k v1", "x v1", "k v2");
    }

    // ---- truncate ----

    @Test
    void truncateDrainsEarlierRowsAndForgetsHashesAlsoAfterRestore() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("truncate", 2);
        TestingContentHashLookup lookup = TestingContentHashLookup.register("truncate");
        lookup.store(TABLE, "k", ContentHash.of("testing", "kept"));
        EmbeddingOperator op = operator("truncate", "truncate", config(10, 2, 100));
        harness = open(op);

        process(up("m", "m text", 2)); // a miss: asks the sink, which has nothing
        harness.endInput();
        process(up("j", "j text", 3)); // still in the open batch when the truncate comes
        process(truncate(5));
        assertThat(describe(harness.extractOutputValues()))
                .containsExactly("UPSERT m m text 2", "UPSERT j j text 3", "TRUNCATE 5");

        process(up("k", "kept", 6)); // the sink had it before the truncate: must embed
        harness.endInput();
        assertThat(describe(harness.extractOutputValues()).get(3)).isEqualTo("UPSERT k kept 6");
        assertThat(lookup.requests()).containsExactly(TABLE + ":m", TABLE + ":j");

        OperatorSubtaskState snapshot = harness.snapshot(2, 2);
        harness.close();
        harness = restore(operator("truncate", "truncate", config(10, 2, 100)), snapshot);
        process(up("m", "m text", 7)); // hash from before the truncate: gone
        process(up("k", "kept", 8)); // hash from after it: skip
        harness.endInput();
        assertThat(describe(harness.extractOutputValues()))
                .containsExactly("UPSERT m m text 7", "METADATA k 8");
        assertThat(model.texts()).containsExactly("m text", "j text", "kept", "m text");
    }

    /**
     * LSNs are unsigned: a truncate above the sign bit is newer than a hash stored at a small LSN,
     * so the row must be embedded again (a signed comparison would skip it as metadata-only and
     * leave the row without vectors).
     */
    @Test
    void aTruncateAboveTheSignBitForgetsOlderHashes() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("truncate-high", 0);
        EmbeddingOperator op = operator("truncate-high", null, config(4, 2, 100));
        harness = open(op);
        long high = 0x8000_0000_0000_0000L;

        process(up("k", "kept", 100));
        harness.endInput();
        process(truncate(high));
        process(up("k", "kept", high + 1));
        harness.endInput();
        assertThat(describe(harness.extractOutputValues()))
                .containsExactly(
                        "UPSERT k kept 100", "TRUNCATE " + high, "UPSERT k kept " + (high + 1));
        assertThat(model.texts()).containsExactly("kept", "kept");
    }

    // ---- failures ----

    @Test
    void permanentFailuresBecomeDeadLettersAndTheRestGoesOn() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("dead", 0);
        EmbeddingOperator op = operator("dead", null, config(3, 2, 100).withMaxTextChars(40));
        harness = open(op);

        process(up("1", "fine one", 1));
        process(up("2", "REFUSE this one", 2));
        process(up("3", "fine three", 3));
        process(up("4", "x".repeat(41), 4)); // over the limit: never sent
        harness.endInput();
        process(up("2", "REFUSE this one", 5)); // refused before: tried again, refused again
        harness.endInput();

        assertThat(describe(harness.extractOutputValues()))
                .containsExactly("UPSERT 1 fine one 1", "UPSERT 3 fine three 3");
        List<DeadLetter> letters =
                harness.getSideOutput(EmbeddingOperator.DEAD_LETTERS).stream()
                        .map(StreamRecord::getValue)
                        .map(DeadLetter.class::cast)
                        .toList();
        assertThat(letters).extracting(DeadLetter::id).containsExactly("2", "4", "2");
        assertThat(letters.get(0).error()).contains("refused");
        assertThat(letters.get(1).error()).contains("max-text-chars=40");
        assertThat(letters.get(1).text()).hasSize(41);
        assertThat(model.texts()).doesNotContain("x".repeat(41));
        assertThat(op.deadLetterCount()).isEqualTo(3);
    }

    @Test
    void anUnrenderableTextIsADeadLetterWithoutAModelCallAndItsNextGoodWriteResolvesIt()
            throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("unrenderable", 0);
        harness = open(operator("unrenderable", null, config(3, 2, 100)));
        process(
                RoutedChange.row(
                        DocumentChange.unrenderable(
                                TABLE, "7", "column body is gone", new Lsn(3), null)));
        harness.endInput();
        process(up("7", "rendered again", 4));
        harness.endInput();

        assertThat(describe(harness.extractOutputValues()))
                .containsExactly("UPSERT 7 rendered again 4");
        assertThat(
                        harness.getSideOutput(EmbeddingOperator.DEAD_LETTERS).stream()
                                .map(
                                        r ->
                                                r.getValue().getClass().getSimpleName()
                                                        + " "
                                                        + r.getValue().lsn())
                                .toList())
                .containsExactly("DeadLetter 0/3", "DeadLetterResolution 0/4");
        assertThat(model.texts()).containsExactly("rendered again");
    }

    @Test
    void aRefusedKeyWrittenLaterIsResolvedAfterARestoreAndOnlyThatKey() throws Exception {
        TestingEmbeddingModel.jittery("resolve", 0);
        harness = open(operator("resolve", null, config(3, 2, 100)));
        process(up("1", "fine one", 1));
        process(up("2", "REFUSE this one", 2));
        harness.endInput();
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        harness = restore(operator("resolve", null, config(3, 2, 100)), snapshot);
        process(up("1", "fine again", 3)); // never refused: nothing to resolve
        process(up("2", "accepted now", 4));
        harness.endInput();
        process(up("2", "accepted twice", 5)); // resolved already: nothing more
        harness.endInput();

        assertThat(
                        harness.getSideOutput(EmbeddingOperator.DEAD_LETTERS).stream()
                                .map(StreamRecord::getValue)
                                .toList())
                .containsExactly(new DeadLetterResolution(TABLE, "2", new Lsn(4)));
    }

    @Test
    void transientFailuresFailTheTask() throws Exception {
        TestingEmbeddingModel.jittery("transient", 0);
        harness = open(operator("transient", null, config(2, 2, 100)));
        process(up("1", "FAIL now", 1));
        assertThatThrownBy(() -> harness.endInput()).hasStackTraceContaining("transient failure");
        // the failed batch never completes: finishing rethrows instead of waiting for it
        assertThatThrownBy(() -> harness.close()).hasStackTraceContaining("transient failure");
        harness = null;
    }

    @Test
    void aLocalModelCallPastItsTimeoutFailsTheTaskWithoutHoldingIt() throws Exception {
        TestingLocalInference inference = TestingLocalInference.hanging();
        hangingSession = new SharedLocalSession(() -> inference);
        EmbeddingOperator op =
                new EmbeddingOperator(
                        () -> new LocalMiniLmEmbeddingModel(hangingSession, Duration.ofMillis(300)),
                        null,
                        config(2, 2, 100));
        harness = open(op);
        process(up("1", "stuck in native code", 1));
        inference.awaitCall();

        assertThatThrownBy(() -> harness.endInput())
                .hasStackTraceContaining("(embedding.local.timeout)");
        assertThat(inference.running())
                .as("the task thread did not wait for the stuck call")
                .isOne();
        // A failed task is closed without finish(): the operator releases its session at once.
        op.close();
        harness = null;
        assertThat(inference.closes()).as("not under the call still running").isZero();
        inference.release();
        await().atMost(Duration.ofSeconds(30)).until(() -> inference.closes() == 1);
        assertThat(hangingSession.isOpen()).isFalse();
        assertThat(inference.closedWhileRunning()).isFalse();
    }

    // ---- chunking ----

    @Test
    void chunkedTextsGiveOneVectorPerChunk() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("chunks", 0);
        EmbeddingOperator op =
                operator(
                        "chunks",
                        null,
                        config(3, 2, 100).withChunker(TextChunker.characters(12, 3)));
        harness = open(op);
        String text = "alpha beta gamma delta epsilon zeta";
        process(up("1", text, 1));
        harness.endInput();

        VectorWrite write = harness.extractOutputValues().get(0);
        List<String> expected = TextChunker.characters(12, 3).split(text);
        assertThat(expected).hasSizeGreaterThan(2);
        assertThat(write.chunks()).extracting(VectorWrite.Chunk::content).isEqualTo(expected);
        assertThat(write.chunks()).extracting(VectorWrite.Chunk::index).isSorted();
        assertThat(write.chunks().get(1).embedding())
                .containsExactly(TestingEmbeddingModel.vectorOf(expected.get(1)));
        assertThat(write.contentHash()).isEqualTo(ContentHash.of("testing", text));
        assertThat(model.texts()).isEqualTo(expected);
    }

    // ---- helpers ----

    private static EmbeddingOperatorConfig config(int batch, int inFlight, int buffered) {
        return EmbeddingOperatorConfig.defaults()
                .withBatchSize(batch)
                .withMaxInFlightBatches(inFlight)
                .withMaxBufferedRows(buffered)
                .withMaxLinger(LONG_LINGER);
    }

    private static EmbeddingOperator operator(
            String model, String lookup, EmbeddingOperatorConfig config) {
        return new EmbeddingOperator(
                TestingEmbeddingModel.factory(model),
                lookup == null ? null : TestingContentHashLookup.factory(lookup),
                config);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, RoutedChange, VectorWrite> open(
            EmbeddingOperator op) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(op, RoutedChange.KEY, Types.STRING);
        h.open();
        return h;
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, RoutedChange, VectorWrite>
            restore(EmbeddingOperator op, OperatorSubtaskState state) throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(op, RoutedChange.KEY, Types.STRING);
        h.initializeState(state);
        h.open();
        return h;
    }

    private void process(RoutedChange change) throws Exception {
        harness.processElement(change, 0);
    }

    /** Runs the task's pending mails on this (the task's) thread until the condition holds. */
    private void awaitOnTaskThread(java.util.concurrent.Callable<Boolean> condition) {
        await().pollInSameThread()
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> {
                            TaskMailbox mailbox = harness.getTaskMailbox();
                            Optional<Mail> mail;
                            while ((mail = mailbox.tryTake(TaskMailbox.MIN_PRIORITY)).isPresent()) {
                                mail.get().run();
                            }
                            return condition.call();
                        });
    }

    private static RoutedChange up(String id, String text, long lsn) {
        return up(id, text, lsn, "{\"id\":\"" + id + "\"}");
    }

    private static RoutedChange up(String id, String text, long lsn, String meta) {
        return RoutedChange.row(
                DocumentChange.upsert(TABLE, id, text, meta, new Lsn(lsn), Instant.EPOCH));
    }

    private static RoutedChange metaOnly(String id, String meta, long lsn) {
        return RoutedChange.row(
                DocumentChange.upsert(TABLE, id, null, meta, new Lsn(lsn), Instant.EPOCH));
    }

    private static RoutedChange del(String id, long lsn) {
        return RoutedChange.row(DocumentChange.delete(TABLE, id, new Lsn(lsn), Instant.EPOCH));
    }

    private static RoutedChange truncate(long lsn) {
        return RoutedChange.truncateCopy(
                DocumentChange.truncate(TABLE, new Lsn(lsn), Instant.EPOCH),
                TruncateFanout.routingKeys(1, 1)[0]);
    }

    private static List<String> describe(List<VectorWrite> writes) {
        return writes.stream()
                .map(
                        w ->
                                switch (w.kind()) {
                                    case UPSERT ->
                                            "UPSERT "
                                                    + w.id()
                                                    + " "
                                                    + w.chunks().stream()
                                                            .map(VectorWrite.Chunk::content)
                                                            .collect(Collectors.joining("|"))
                                                    + " "
                                                    + w.lsn().value();
                                    case METADATA, DELETE ->
                                            w.kind() + " " + w.id() + " " + w.lsn().value();
                                    case TRUNCATE -> "TRUNCATE " + w.lsn().value();
                                })
                .toList();
    }
}
