package io.pgstream.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotProgressTest {

    @Test
    void countsPerTableAgainstTheEstimateAndRedrawsAtMostEveryInterval() {
        StringWriter out = new StringWriter();
        List<String> asked = new ArrayList<>();
        SnapshotProgress progress =
                new SnapshotProgress(
                        new PrintWriter(out),
                        t -> {
                            asked.add(t);
                            return t.equals("public.a") ? 4 : -1;
                        },
                        1000);
        progress.row("public.a", 0);
        progress.row("public.a", 10);
        progress.row("public.b", 20);
        assertThat(out.toString()).isEqualTo("\rsnapshot: public.a 1/4 (25%)");
        progress.row("public.a", 1500);
        assertThat(progress.line()).isEqualTo("snapshot: public.a 3/4 (75%) public.b 1/?");
        assertThat(asked).containsExactly("public.a", "public.b");
        progress.finish();
        assertThat(out.toString())
                .endsWith("\rsnapshot: public.a 3/4 (75%) public.b 1/?" + System.lineSeparator());
    }

    @Test
    void nothingIsPrintedWithoutSnapshotRows() {
        StringWriter out = new StringWriter();
        new SnapshotProgress(new PrintWriter(out), t -> 1, 0).finish();
        assertThat(out.toString()).isEmpty();
    }
}
