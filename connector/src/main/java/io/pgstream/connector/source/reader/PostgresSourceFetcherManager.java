package io.pgstream.connector.source.reader;

import io.pgstream.connector.event.Lsn;
import io.pgstream.connector.source.split.PostgresSplit;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcherTask;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the split reader on one fetcher thread and funnels acknowledgements onto that thread:
 * pgjdbc's replication stream is not thread-safe, so the slot is acked by a task the fetcher runs
 * between two reads, never from the task thread that saw the checkpoint complete.
 */
public final class PostgresSourceFetcherManager
        extends SingleThreadFetcherManager<FetchedRecord, PostgresSplit> {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresSourceFetcherManager.class);

    public PostgresSourceFetcherManager(
            Supplier<SplitReader<FetchedRecord, PostgresSplit>> splitReaderSupplier,
            Configuration configuration) {
        super(splitReaderSupplier, configuration);
    }

    /** Enqueues an ack of {@code lsnBySplit} on the fetcher thread; returns at once. */
    public void acknowledge(Map<String, Lsn> lsnBySplit) {
        SplitFetcher<FetchedRecord, PostgresSplit> fetcher = getRunningFetcher();
        if (fetcher == null) {
            LOG.debug("No running fetcher; ack of {} happens on the next checkpoint", lsnBySplit);
            return;
        }
        PostgresSplitReader reader = (PostgresSplitReader) fetcher.getSplitReader();
        fetcher.enqueueTask(
                new SplitFetcherTask() {
                    @Override
                    public boolean run() {
                        reader.acknowledge(lsnBySplit);
                        return true;
                    }

                    @Override
                    public void wakeUp() {}
                });
    }
}
