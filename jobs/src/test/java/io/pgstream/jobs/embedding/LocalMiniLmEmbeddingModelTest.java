package io.pgstream.jobs.embedding;

import static io.pgstream.jobs.testutils.VectorMath.cosine;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The real in-jar MiniLM (ONNX, no network): shape, determinism and meaning. */
class LocalMiniLmEmbeddingModelTest {

    @Test
    void embedsDeterministically384DimensionsWithMeaning() throws Exception {
        EmbeddingModel model = LocalMiniLmEmbeddingModel.factory().create();
        assertThat(model.dimensions()).isEqualTo(384);
        assertThat(LocalMiniLmEmbeddingModel.factory().create()).isSameAs(model);

        List<String> texts =
                List.of(
                        "The cat sat on the mat.",
                        "A kitten is sitting on a rug.",
                        "Quarterly revenue grew by twelve percent.");
        List<float[]> first = model.embed(texts);
        List<float[]> again = model.embed(texts);

        assertThat(first).hasSize(3).allSatisfy(v -> assertThat(v).hasSize(384));
        for (int i = 0; i < 3; i++) {
            assertThat(again.get(i)).containsExactly(first.get(i));
        }
        double similar = cosine(first.get(0), first.get(1));
        double unrelated = cosine(first.get(0), first.get(2));
        assertThat(similar).isGreaterThan(unrelated + 0.2);
        assertThat(model.embed(List.of())).isEmpty();
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
