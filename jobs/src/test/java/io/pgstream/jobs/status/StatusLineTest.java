package io.pgstream.jobs.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.jobs.status.StatusFigures.Phase;
import io.pgstream.jobs.status.StatusFigures.TableProgress;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusLineTest {

    @Test
    void streamingShowsEveryFigureWithThousandsSeparators() {
        StatusFigures f =
                new StatusFigures(
                        Phase.STREAMING, List.of(), 1234L, 38L, 120L, 1100L, 134L, 12_345L);
        assertThat(StatusLine.format(f))
                .isEqualTo(
                        "pgstream: streaming · 1,234 written · fresh p50 38 ms p99 120 ms (1 min)"
                                + " · embedded 1,100 skipped 134 · slot lag 12 kB");
    }

    @Test
    void backfillShowsEachTableReadAgainstItsEstimate() {
        StatusFigures f =
                new StatusFigures(
                        Phase.BACKFILL,
                        List.of(
                                new TableProgress("public.docs", 1_500, 3_000),
                                new TableProgress("public.notes", 12, -1)),
                        1_234_567L,
                        2_500L,
                        61_000L,
                        0L,
                        0L,
                        3L * 1024 * 1024 + 300 * 1024);
        assertThat(StatusLine.format(f))
                .isEqualTo(
                        "pgstream: backfill public.docs 1,500/3,000 (50%), public.notes 12/? ·"
                                + " 1,234,567 written · fresh p50 2,500 ms p99 61 s (1 min) ·"
                                + " embedded 0 skipped 0 · slot lag 3.2 MB");
    }

    @Test
    void tokensShowOnceReportedWithTheCostWhenPriced() {
        StatusFigures priced =
                new StatusFigures(
                        Phase.STREAMING,
                        List.of(),
                        10L,
                        null,
                        null,
                        10L,
                        0L,
                        0L,
                        52_310L,
                        0.0010462);
        assertThat(StatusLine.format(priced))
                .contains("· embedded 10 skipped 0 · 52,310 tokens ≈0.0010 · slot lag");
        StatusFigures unpriced =
                new StatusFigures(
                        Phase.STREAMING, List.of(), 10L, null, null, 10L, 0L, 0L, 7L, null);
        assertThat(StatusLine.format(unpriced)).contains("· 7 tokens · slot lag");
        StatusFigures none =
                new StatusFigures(
                        Phase.STREAMING, List.of(), 10L, null, null, 10L, 0L, 0L, 0L, null);
        assertThat(StatusLine.format(none)).doesNotContain("tokens");
        assertThat(StatusLine.cost(1234.5)).isEqualTo("1,234.50");
    }

    @Test
    void missingFiguresShowAsADash() {
        StatusFigures f =
                new StatusFigures(Phase.STARTING, List.of(), null, null, null, null, null, null);
        assertThat(StatusLine.format(f))
                .isEqualTo(
                        "pgstream: starting · – written · fresh – · embedded – skipped – · slot"
                                + " lag –");
    }

    @Test
    void aBackfillWithoutTablesYetIsJustTheWord() {
        StatusFigures f = new StatusFigures(Phase.BACKFILL, List.of(), 0L, null, null, 0L, 0L, 0L);
        assertThat(StatusLine.format(f)).startsWith("pgstream: backfill · 0 written · fresh – ·");
    }

    @Test
    void percentagesReach100OnlyWhenDoneAndStayThereAboveTheEstimate() {
        assertThat(StatusLine.table(new TableProgress("t", 2_999, 3_000))).endsWith("(99%)");
        assertThat(StatusLine.table(new TableProgress("t", 3_000, 3_000))).endsWith("(100%)");
        assertThat(StatusLine.table(new TableProgress("t", 3_500, 3_000)))
                .isEqualTo("t 3,500/3,000 (100%)");
        assertThat(StatusLine.table(new TableProgress("t", 0, 0))).isEqualTo("t 0/?");
    }

    @Test
    void byteSizesUse1024BasedUnits() {
        assertThat(StatusLine.bytes(0)).isEqualTo("0 bytes");
        assertThat(StatusLine.bytes(1023)).isEqualTo("1023 bytes");
        assertThat(StatusLine.bytes(1536)).isEqualTo("1.5 kB");
        assertThat(StatusLine.bytes(12 * 1024 + 900)).isEqualTo("12 kB");
        assertThat(StatusLine.bytes(5L * 1024 * 1024 * 1024)).isEqualTo("5.0 GB");
        assertThat(StatusLine.bytes(2048L * 1024 * 1024 * 1024)).isEqualTo("2,048 GB");
    }

    @Test
    void durationsAreMillisecondsBelowTenSeconds() {
        assertThat(StatusLine.millis(0)).isEqualTo("0 ms");
        assertThat(StatusLine.millis(9_999)).isEqualTo("9,999 ms");
        assertThat(StatusLine.millis(10_000)).isEqualTo("10 s");
    }
}
