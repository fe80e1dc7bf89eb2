package io.pgstream.jobs.embedding;

import io.pgstream.jobs.embedding.budget.RateLimit;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the {@link EmbeddingOperator} batches and bounds its work, as one immutable value: batch size
 * in texts, the longest linger of a partial batch, model calls in flight, changes held (the
 * backpressure bound), an optional {@link TextChunker}, the text length above which a row is a dead
 * letter when chunking is off, and the provider budget shared by all subtasks ({@link RateLimit},
 * with an optional price for the estimated cost).
 */
public final class EmbeddingOperatorConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int batchSize;
    private final Duration maxLinger;
    private final int maxInFlightBatches;
    private final int maxBufferedRows;
    private final TextChunker chunker;
    private final int maxTextChars;
    private final RateLimit rateLimit;
    private final Double pricePerMillionTokens;

    private EmbeddingOperatorConfig(
            int batchSize,
            Duration maxLinger,
            int maxInFlightBatches,
            int maxBufferedRows,
            TextChunker chunker,
            int maxTextChars,
            RateLimit rateLimit,
            Double pricePerMillionTokens) {
        require(batchSize >= 1, "embedding.batch-size must be at least 1, got " + batchSize);
        require(
                maxLinger != null && !maxLinger.isNegative(),
                "embedding.max-linger must not be negative");
        require(
                maxInFlightBatches >= 1,
                "embedding.max-in-flight-batches must be at least 1, got " + maxInFlightBatches);
        require(
                maxBufferedRows >= 1,
                "embedding.max-buffered-rows must be at least 1, got " + maxBufferedRows);
        require(maxTextChars >= 0, "embedding.max-text-chars must not be negative");
        require(rateLimit != null, "a rate limit (RateLimit.NONE for none) is required");
        require(
                pricePerMillionTokens == null || pricePerMillionTokens >= 0,
                "embedding.price-per-million-tokens must not be negative");
        this.batchSize = batchSize;
        this.maxLinger = maxLinger;
        this.maxInFlightBatches = maxInFlightBatches;
        this.maxBufferedRows = maxBufferedRows;
        this.chunker = chunker;
        this.maxTextChars = maxTextChars;
        this.rateLimit = rateLimit;
        this.pricePerMillionTokens = pricePerMillionTokens;
    }

    /**
     * Changes held per subtask before input is back-pressured. Not a job-file key: it bounds
     * memory, and the batch size and calls in flight already say how much work is in the air.
     */
    static final int DEFAULT_MAX_BUFFERED_ROWS = 1000;

    /**
     * The job file's defaults ({@link EmbeddingOptions}): no chunking, no text limit, no rate
     * limit, no price.
     */
    public static EmbeddingOperatorConfig defaults() {
        return new EmbeddingOperatorConfig(
                EmbeddingOptions.BATCH_SIZE.defaultValue(),
                EmbeddingOptions.MAX_LINGER.defaultValue(),
                EmbeddingOptions.MAX_IN_FLIGHT_BATCHES.defaultValue(),
                DEFAULT_MAX_BUFFERED_ROWS,
                null,
                EmbeddingOptions.MAX_TEXT_CHARS.defaultValue(),
                RateLimit.NONE,
                null);
    }

    public EmbeddingOperatorConfig withBatchSize(int n) {
        return new EmbeddingOperatorConfig(
                n,
                maxLinger,
                maxInFlightBatches,
                maxBufferedRows,
                chunker,
                maxTextChars,
                rateLimit,
                pricePerMillionTokens);
    }

    public EmbeddingOperatorConfig withMaxLinger(Duration d) {
        return new EmbeddingOperatorConfig(
                batchSize,
                d,
                maxInFlightBatches,
                maxBufferedRows,
                chunker,
                maxTextChars,
                rateLimit,
                pricePerMillionTokens);
    }

    public EmbeddingOperatorConfig withMaxInFlightBatches(int n) {
        return new EmbeddingOperatorConfig(
                batchSize,
                maxLinger,
                n,
                maxBufferedRows,
                chunker,
                maxTextChars,
                rateLimit,
                pricePerMillionTokens);
    }

    public EmbeddingOperatorConfig withMaxBufferedRows(int n) {
        return new EmbeddingOperatorConfig(
                batchSize,
                maxLinger,
                maxInFlightBatches,
                n,
                chunker,
                maxTextChars,
                rateLimit,
                pricePerMillionTokens);
    }

    /** Null: no chunking. */
    public EmbeddingOperatorConfig withChunker(TextChunker c) {
        return new EmbeddingOperatorConfig(
                batchSize,
                maxLinger,
                maxInFlightBatches,
                maxBufferedRows,
                c,
                maxTextChars,
                rateLimit,
                pricePerMillionTokens);
    }

    public EmbeddingOperatorConfig withMaxTextChars(int n) {
        return new EmbeddingOperatorConfig(
                batchSize,
                maxLinger,
                maxInFlightBatches,
                maxBufferedRows,
                chunker,
                n,
                rateLimit,
                pricePerMillionTokens);
    }

    /** The provider budget all subtasks share; {@link RateLimit#NONE} for none. */
    public EmbeddingOperatorConfig withRateLimit(RateLimit limit) {
        return new EmbeddingOperatorConfig(
                batchSize,
                maxLinger,
                maxInFlightBatches,
                maxBufferedRows,
                chunker,
                maxTextChars,
                limit,
                pricePerMillionTokens);
    }

    /** Null: no {@code estimatedCost} metric. */
    public EmbeddingOperatorConfig withPricePerMillionTokens(Double price) {
        return new EmbeddingOperatorConfig(
                batchSize,
                maxLinger,
                maxInFlightBatches,
                maxBufferedRows,
                chunker,
                maxTextChars,
                rateLimit,
                price);
    }

    public int batchSize() {
        return batchSize;
    }

    public Duration maxLinger() {
        return maxLinger;
    }

    public int maxInFlightBatches() {
        return maxInFlightBatches;
    }

    public int maxBufferedRows() {
        return maxBufferedRows;
    }

    /** Null when chunking is off. */
    public TextChunker chunker() {
        return chunker;
    }

    /** 0: no limit. */
    public int maxTextChars() {
        return maxTextChars;
    }

    public RateLimit rateLimit() {
        return rateLimit;
    }

    /** Null when no price is set. */
    public Double pricePerMillionTokens() {
        return pricePerMillionTokens;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
