package io.pgstream.bench.decoder;

/**
 * The command line both benchmarks share: {@code --dsn} (default {@code $PGSTREAM_DSN}), {@code
 * --rows} (the large transaction), {@code --small-txs}, {@code --pg-recvlogical}.
 */
public record BenchArgs(String dsn, int rows, int smallTxs, String pgRecvLogical) {

    /** Parses {@code args} over the given workload defaults. */
    public static BenchArgs parse(String[] args, int defaultRows, int defaultSmallTxs) {
        String dsn = System.getenv().getOrDefault("PGSTREAM_DSN", "");
        int rows = defaultRows;
        int smallTxs = defaultSmallTxs;
        String recvlogical = "/usr/lib/postgresql/15/bin/pg_recvlogical";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dsn" -> dsn = args[++i];
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--small-txs" -> smallTxs = Integer.parseInt(args[++i]);
                case "--pg-recvlogical" -> recvlogical = args[++i];
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        if (dsn.isEmpty()) {
            throw new IllegalArgumentException("--dsn or PGSTREAM_DSN is required");
        }
        return new BenchArgs(dsn, rows, smallTxs, recvlogical);
    }
}
