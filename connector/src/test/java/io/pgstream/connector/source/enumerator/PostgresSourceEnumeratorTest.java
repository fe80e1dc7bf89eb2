package io.pgstream.connector.source.enumerator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgstream.connector.source.StartingPosition;
import io.pgstream.connector.source.StoppingPosition;
import io.pgstream.connector.source.split.PostgresSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which readers are told that no more splits will come. A reader told so finishes; in an unbounded
 * job that subtask would then decline a stop-with-savepoint while it closes and could take no split
 * given back on failover, so only a bounded job's idle readers are told.
 */
class PostgresSourceEnumeratorTest {

    private static final PostgresSplit STREAM =
            new PostgresSplit(
                    "slot", "slot_pub", StartingPosition.fromSlot(), StoppingPosition.never());

    /** One stream split and no snapshot: the plan of a job that starts from the slot. */
    private static final SplitDiscovery ONE_STREAM =
            new SplitDiscovery() {
                @Override
                public Discovered discover() {
                    return new Discovered(List.of(STREAM), Set.of("public.a"));
                }

                @Override
                public Discovered discoverAddedTables(Set<String> knownTables) {
                    return new Discovered(List.of(), Set.of("public.a"));
                }
            };

    @ParameterizedTest(name = "bounded={0}")
    @ValueSource(booleans = {false, true})
    void onlyABoundedJobTellsAnIdleReaderThatNoSplitsWillCome(boolean bounded) throws Throwable {
        try (MockSplitEnumeratorContext<PostgresSplit> context =
                new MockSplitEnumeratorContext<>(2)) {
            PostgresSourceEnumerator enumerator =
                    new PostgresSourceEnumerator(
                            context, ONE_STREAM, bounded, PostgresEnumeratorState.initial());
            enumerator.start();
            for (int reader = 0; reader < 2; reader++) {
                context.registerReader(new ReaderInfo(reader, "localhost"));
                enumerator.addReader(reader);
            }
            context.runNextOneTimeCallable();

            assertThat(context.getSplitsAssignmentSequence())
                    .as("the stream split goes to reader 0")
                    .anySatisfy(a -> assertThat(a.assignment().get(0)).containsExactly(STREAM));
            assertThat(context.hasNoMoreSplits(1))
                    .as("the reader left without a split is told only when the job is bounded")
                    .isEqualTo(bounded);
        }
    }

    /**
     * A told reader may finish at once; telling it again (when another reader's splits come back,
     * say) reaches a FINISHED task, which Flink answers with a failover of the bounded job.
     */
    @org.junit.jupiter.api.Test
    void aReaderIsToldOncePerAttempt() throws Throwable {
        List<Integer> told = new ArrayList<>();
        try (MockSplitEnumeratorContext<PostgresSplit> context =
                new MockSplitEnumeratorContext<>(2) {
                    @Override
                    public void signalNoMoreSplits(int subtask) {
                        told.add(subtask);
                        super.signalNoMoreSplits(subtask);
                    }
                }) {
            PostgresSourceEnumerator enumerator =
                    new PostgresSourceEnumerator(
                            context, ONE_STREAM, true, PostgresEnumeratorState.initial());
            enumerator.start();
            for (int reader = 0; reader < 2; reader++) {
                context.registerReader(new ReaderInfo(reader, "localhost"));
                enumerator.addReader(reader);
            }
            context.runNextOneTimeCallable();
            assertThat(told).as("both have all they will get").containsExactlyInAnyOrder(0, 1);

            enumerator.addSplitsBack(List.of(), 0); // assignment runs again
            assertThat(told).as("neither is told twice").hasSize(2);

            enumerator.addReader(1); // reader 1 restarted: a new attempt is told again
            assertThat(told).hasSize(3).endsWith(1);
        }
    }
}
