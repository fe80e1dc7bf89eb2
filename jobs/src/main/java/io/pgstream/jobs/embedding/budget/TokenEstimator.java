package io.pgstream.jobs.embedding.budget;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Estimates a request's tokens before it is sent, so the budget can be spent before the provider
 * reports the real count. The first guess is OpenAI's rule of thumb, one token per four characters
 * of English text (rounded up, at least one per text). Real tokenizers differ by model and language
 * (code and non-Latin scripts take more tokens per character), so the estimate is scaled by the
 * ratio of reported {@code usage.total_tokens} to raw estimates seen so far: after a few answers it
 * is the provider's own tokens-per-character for this job's texts. Thread-safe.
 */
public final class TokenEstimator {

    private final AtomicLong rawSeen = new AtomicLong();
    private final AtomicLong actualSeen = new AtomicLong();

    /** The rule-of-thumb count, before learning: ceil(chars / 4), at least 1, per text. */
    public static long raw(List<String> texts) {
        long tokens = 0;
        for (String t : texts) {
            tokens += Math.max(1, (t.length() + 3) / 4);
        }
        return tokens;
    }

    /** Whether the provider reported a count yet (before that, estimates are raw guesses). */
    public boolean calibrated() {
        return actualSeen.get() > 0;
    }

    /** {@code raw} scaled by what the provider reported for earlier requests. */
    public long estimate(long raw) {
        long seenRaw = rawSeen.get();
        long seenActual = actualSeen.get();
        if (seenRaw == 0 || seenActual == 0) {
            return raw;
        }
        return Math.max(1, (long) Math.ceil((double) raw * seenActual / seenRaw));
    }

    /** A request of {@code raw} estimated tokens was reported to use {@code actual}. */
    public void observe(long raw, long actual) {
        if (raw > 0 && actual > 0) {
            rawSeen.addAndGet(raw);
            actualSeen.addAndGet(actual);
        }
    }
}
