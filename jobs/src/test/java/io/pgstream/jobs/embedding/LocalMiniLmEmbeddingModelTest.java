package io.pgstream.jobs.embedding;

import static io.pgstream.jobs.testutils.VectorMath.cosine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real in-jar MiniLM (ONNX, no network): shape, determinism, meaning and the same vectors as
 * langchain4j's own model class; one session shared by its users and freed by the last; a batch
 * past {@code embedding.local.timeout} fails without waiting for the stuck call.
 */
@Timeout(120)
class LocalMiniLmEmbeddingModelTest {

    private static final List<String> TEXTS =
            List.of(
                    "The cat sat on the mat.",
                    "A kitten is sitting on a rug.",
                    "Quarterly revenue grew by twelve percent.");

    @Test
    void embedsDeterministically384DimensionsWithMeaning() throws Exception {
        try (EmbeddingModel model = LocalMiniLmEmbeddingModel.factory().create()) {
            assertThat(model.dimensions()).isEqualTo(384);
            List<float[]> first = model.embed(TEXTS);
            List<float[]> again = model.embed(TEXTS);

            assertThat(first).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(384));
            for (int i = 0; i < 3; i++) {
                assertThat(again.get(i)).containsExactly(first.get(i));
            }
            double similar = cosine(first.get(0), first.get(1));
            double unrelated = cosine(first.get(0), first.get(2));
            assertThat(similar).isGreaterThan(unrelated + 0.2);
            assertThat(model.embed(List.of())).isEmpty();
        }
    }

    @Test
    void vectorsAreThoseOfLangchain4jsOwnModelClass() throws Exception {
        // Over 510 tokens: split into windows, embedded and averaged.
        String longText = String.join(" ", Collections.nCopies(120, "replication slots keep WAL"));
        List<String> texts = new ArrayList<>(TEXTS);
        texts.add(longText);
        List<Embedding> expected =
                new AllMiniLmL6V2QuantizedEmbeddingModel()
                        .embedAll(texts.stream().map(TextSegment::from).toList())
                        .content();
        try (EmbeddingModel model = LocalMiniLmEmbeddingModel.open()) {
            List<float[]> actual = model.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(actual.get(i))
                        .as(texts.get(i))
                        .containsExactly(expected.get(i).vector());
            }
        }
    }

    @Test
    void usersShareOneOnnxSessionThatTheLastCloseFrees() throws Exception {
        AtomicInteger loads = new AtomicInteger();
        AtomicInteger closes = new AtomicInteger();
        SharedLocalSession session =
                new SharedLocalSession(
                        () -> {
                            loads.incrementAndGet();
                            LocalInference onnx = OnnxMiniLmInference.load();
                            return new LocalInference() {
                                @Override
                                public List<float[]> embed(List<String> texts) throws Exception {
                                    return onnx.embed(texts);
                                }

                                @Override
                                public void close() {
                                    closes.incrementAndGet();
                                    onnx.close();
                                }
                            };
                        });
        Duration timeout = EmbeddingOptions.LOCAL_TIMEOUT.defaultValue();
        LocalMiniLmEmbeddingModel a = new LocalMiniLmEmbeddingModel(session, timeout);
        LocalMiniLmEmbeddingModel b = new LocalMiniLmEmbeddingModel(session, timeout);
        assertThat(loads).hasValue(1);
        List<float[]> before = a.embed(TEXTS);

        a.close();
        a.close(); // idempotent: one user, one release
        assertThat(session.isOpen()).isTrue();
        assertThat(b.embed(TEXTS).get(0)).containsExactly(before.get(0));
        b.close();
        assertThat(session.isOpen()).isFalse();
        assertThat(closes).hasValue(1);
        assertThatThrownBy(() -> b.embed(TEXTS)).isInstanceOf(IllegalStateException.class);

        try (LocalMiniLmEmbeddingModel c = new LocalMiniLmEmbeddingModel(session, timeout)) {
            assertThat(loads).hasValue(2); // a fresh session, same vectors
            assertThat(c.embed(TEXTS).get(2)).containsExactly(before.get(2));
        }
        assertThat(closes).hasValue(2);
    }

    @Test
    void aBatchPastTheTimeoutFailsAtOnceAndTheSessionClosesWhenTheCallReturns() throws Exception {
        TestingLocalInference inference = TestingLocalInference.hanging();
        SharedLocalSession session = new SharedLocalSession(() -> inference);
        LocalMiniLmEmbeddingModel model =
                new LocalMiniLmEmbeddingModel(session, Duration.ofMillis(200));

        assertThatThrownBy(() -> model.embed(List.of("stuck", "too")))
                .isInstanceOf(EmbeddingException.class)
                .hasMessageContaining("batch of 2 texts within 200 ms")
                .hasMessageContaining("(embedding.local.timeout)");
        assertThat(inference.running()).as("the caller did not wait for the stuck call").isOne();

        model.close(); // the last user: the session must outlive the call still running in it
        assertThat(session.isOpen()).isTrue();
        assertThat(inference.closes()).isZero();
        inference.release();
        await().atMost(Duration.ofSeconds(30)).until(() -> inference.closes() == 1);
        assertThat(session.isOpen()).isFalse();
        assertThat(inference.closedWhileRunning()).isFalse();
    }

    @Test
    void recognisesANativeLibraryLoadedByAnotherClassloader() {
        String refused =
                "Native Library /root/.djl.ai/tokenizers/libtokenizers.so already loaded in"
                        + " another classloader";
        // First attempt: the initializer's error with the JVM's error as its cause.
        assertThat(
                        LocalMiniLmEmbeddingModel.nativeLibraryOfAnotherClassloader(
                                new ExceptionInInitializerError(new UnsatisfiedLinkError(refused))))
                .isTrue();
        // Later attempts: the JVM keeps only the text of the first error.
        NoClassDefFoundError later =
                new NoClassDefFoundError(
                        "Could not initialize class LocalMiniLmEmbeddingModel$Holder");
        later.initCause(
                new ExceptionInInitializerError(
                        "Exception java.lang.UnsatisfiedLinkError: " + refused));
        assertThat(LocalMiniLmEmbeddingModel.nativeLibraryOfAnotherClassloader(later)).isTrue();
        assertThat(
                        LocalMiniLmEmbeddingModel.nativeLibraryOfAnotherClassloader(
                                new UnsatisfiedLinkError("no onnxruntime in java.library.path")))
                .isFalse();
    }
}
