package io.pgstream.jobs.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible wire format without a server: the request body and headers, vectors put in
 * input order, and each malformed answer's message (a contract: the README's "When something is
 * wrong" table quotes them).
 */
class OpenAiEmbeddingsCodecTest {

    private static final String URL = "http://127.0.0.1:1/v1";
    private static final String KEY = "sk-test-0123456789";

    private static OpenAiEmbeddingsCodec codec(boolean sendDimensions, String key) {
        return new OpenAiEmbeddingsCodec(
                OpenAiConfig.builder(URL, "test-model", 2).sendDimensions(sendDimensions).build(),
                key);
    }

    @Test
    void writesModelInputsDimensionsAndFloatEncoding() throws Exception {
        JsonNode body =
                new ObjectMapper().readTree(codec(true, null).body(List.of("first", "second")));

        assertThat(body.toString())
                .isEqualTo(
                        "{\"model\":\"test-model\",\"input\":[\"first\",\"second\"],"
                                + "\"dimensions\":2,\"encoding_format\":\"float\"}");
        assertThat(
                        new ObjectMapper()
                                .readTree(codec(false, null).body(List.of("x")))
                                .has("dimensions"))
                .isFalse();
    }

    @Test
    void postsToTheEmbeddingsPathWithTheKeyAsBearerToken() {
        HttpRequest withKey = codec(false, KEY).request(List.of("x"));
        HttpRequest withoutKey = codec(false, null).request(List.of("x"));

        assertThat(withKey.method()).isEqualTo("POST");
        assertThat(withKey.uri().toString()).isEqualTo(URL + "/embeddings");
        assertThat(withKey.headers().firstValue("Authorization")).hasValue("Bearer " + KEY);
        assertThat(withKey.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(withoutKey.headers().firstValue("Authorization")).isEmpty();
    }

    @Test
    void ordersVectorsByIndexAndReadsTheTokenCount() throws Exception {
        var answer =
                OpenAiEmbeddingsCodec.read(
                        "{\"data\":[{\"index\":1,\"embedding\":[3,4]},"
                                + "{\"index\":0,\"embedding\":[1.5,2]}],"
                                + "\"usage\":{\"total_tokens\":7}}");

        List<float[]> vectors = codec(false, null).vectors(answer, 2);

        assertThat(vectors.get(0)).containsExactly(1.5f, 2f);
        assertThat(vectors.get(1)).containsExactly(3f, 4f);
        assertThat(answer.totalTokens()).isEqualTo(7);
        assertThat(OpenAiEmbeddingsCodec.read("{\"data\":[]}").totalTokens()).isEqualTo(-1);
        assertThat(OpenAiEmbeddingsCodec.read("not json").totalTokens()).isEqualTo(-1);
    }

    @Test
    void namesWhatIsWrongWithAnAnswer() {
        var codec = codec(false, KEY);

        assertThatThrownBy(() -> codec.vectors(OpenAiEmbeddingsCodec.read("<html>" + KEY), 1))
                .isInstanceOf(EmbeddingException.class)
                .hasMessage(URL + "/embeddings answered with invalid JSON: <html>***");
        assertThatThrownBy(() -> codec.vectors(OpenAiEmbeddingsCodec.read("{\"data\":[]}"), 1))
                .hasMessage(
                        URL
                                + "/embeddings returned 0 embeddings for 1 inputs; is it an"
                                + " OpenAI-compatible /embeddings endpoint?");
        assertThatThrownBy(() -> codec.vectors(OpenAiEmbeddingsCodec.read("{}"), 1))
                .hasMessage(
                        URL
                                + "/embeddings returned no 'data' array for 1 inputs; is it an"
                                + " OpenAI-compatible /embeddings endpoint?");
        String repeated =
                "{\"data\":[{\"index\":0,\"embedding\":[1,2]},{\"index\":0,\"embedding\":[1,2]}]}";
        assertThatThrownBy(() -> codec.vectors(OpenAiEmbeddingsCodec.read(repeated), 2))
                .hasMessage(URL + "/embeddings returned a bad or repeated index 0");
        String tooShort = "{\"data\":[{\"index\":0,\"embedding\":[1,2,3]}]}";
        assertThatThrownBy(() -> codec.vectors(OpenAiEmbeddingsCodec.read(tooShort), 1))
                .hasMessage(
                        URL
                                + "/embeddings returned a vector of 3 dimensions for model"
                                + " test-model, configured: 2; set the dimensions to the model's"
                                + " vector length");
    }

    @Test
    void excerptsAreShortAndMaskTheKey() {
        String excerpt = codec(false, KEY).excerpt("  " + KEY + "x".repeat(400) + "  ");

        assertThat(excerpt).startsWith("***x").endsWith("…").hasSize(301).doesNotContain(KEY);
        assertThat(codec(false, null).excerpt(null)).isEmpty();
    }
}
