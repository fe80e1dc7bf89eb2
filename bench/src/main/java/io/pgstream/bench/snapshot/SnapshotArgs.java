package io.pgstream.bench.snapshot;

/**
 * The command line the snapshot benchmarks share (ours and the peers'), parsed in one place: {@code
 * --dsn} (default {@code $PGSTREAM_DSN}), {@code --rows}, {@code --parallelism}, {@code --chunk}
 * and, where the benchmark repeats its run, {@code --runs}.
 */
public record SnapshotArgs(String dsn, int rows, int parallelism, int chunk, int runs) {

    /**
     * Parses {@code args}; {@code --runs} is refused as an unknown argument unless {@code
     * repeatable}.
     */
    public static SnapshotArgs parse(String[] args, boolean repeatable) {
        String dsn = System.getenv().getOrDefault("PGSTREAM_DSN", "");
        int rows = 1_000_000;
        int parallelism = 2;
        int chunk = 8192; // the source's default (snapshot.chunk-size)
        int runs = repeatable ? 2 : 1; // the first in a cold JVM: JIT compilation is a good part
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dsn" -> dsn = args[++i];
                case "--rows" -> rows = Integer.parseInt(args[++i]);
                case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
                case "--chunk" -> chunk = Integer.parseInt(args[++i]);
                case "--runs" -> {
                    if (!repeatable) {
                        throw new IllegalArgumentException("Unknown argument " + args[i]);
                    }
                    runs = Integer.parseInt(args[++i]);
                }
                default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
            }
        }
        if (dsn.isEmpty()) {
            throw new IllegalArgumentException("--dsn or PGSTREAM_DSN is required");
        }
        return new SnapshotArgs(dsn, rows, parallelism, chunk, runs);
    }
}
