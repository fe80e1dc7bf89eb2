package io.pgstream.jobs.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgstream.jobs.testutils.TestingEmbeddingModel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Rows become batched model calls: full batches go at once, failures reach every row of one. */
class TextBatcherTest {

    @Test
    void aFullBatchIsSentWithoutWaitingForTheLinger() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("batcher-full", 0);
        try (TextBatcher batcher =
                new TextBatcher(model, new BatchSettings(3, Duration.ofHours(1), 1))) {
            List<CompletableFuture<float[]>> vectors =
                    List.of(batcher.embed("a"), batcher.embed("b"), batcher.embed("c"));
            for (int i = 0; i < 3; i++) {
                assertThat(vectors.get(i).get())
                        .containsExactly(
                                TestingEmbeddingModel.vectorOf(List.of("a", "b", "c").get(i)));
            }
            assertThat(model.calls()).containsExactly(List.of("a", "b", "c"));
        }
    }

    @Test
    void textsBeyondABatchGoInTheNextCall() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("batcher-split", 0);
        try (TextBatcher batcher =
                new TextBatcher(model, new BatchSettings(2, Duration.ofMillis(50), 1))) {
            List<CompletableFuture<float[]>> vectors =
                    List.of(batcher.embed("a"), batcher.embed("b"), batcher.embed("c"));
            CompletableFuture.allOf(vectors.toArray(CompletableFuture[]::new)).get();
            assertThat(model.calls()).containsExactly(List.of("a", "b"), List.of("c"));
        }
    }

    @Test
    void aFailedCallFailsEveryTextOfItsBatch() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.jittery("batcher-fail", 0);
        try (TextBatcher batcher =
                new TextBatcher(model, new BatchSettings(2, Duration.ofHours(1), 1))) {
            CompletableFuture<float[]> ok = batcher.embed("ok");
            CompletableFuture<float[]> failing = batcher.embed("FAIL");
            await().atMost(Duration.ofSeconds(10)).until(() -> ok.isDone() && failing.isDone());
            assertThat(ok).isCompletedExceptionally();
            assertThat(failing).isCompletedExceptionally();
        }
    }

    @Test
    void closeCancelsTextsThatWait() throws Exception {
        TestingEmbeddingModel model = TestingEmbeddingModel.gated("batcher-close");
        TextBatcher batcher = new TextBatcher(model, new BatchSettings(1, Duration.ZERO, 1));
        CompletableFuture<float[]> first = batcher.embed("first");
        await().atMost(Duration.ofSeconds(10)).until(() -> model.callCount() == 1);
        CompletableFuture<float[]> second = batcher.embed("second");
        batcher.close();
        model.releaseAll();
        assertThat(second).isCancelled();
        assertThat(batcher.embed("after").isCancelled()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(first::isDone);
    }
}
