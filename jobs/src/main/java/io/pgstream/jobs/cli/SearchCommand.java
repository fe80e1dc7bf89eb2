package io.pgstream.jobs.cli;

import io.pgstream.connector.format.ChangeEventJson;
import io.pgstream.jobs.embedding.EmbeddingModel;
import io.pgstream.jobs.sink.SearchHit;
import io.pgstream.jobs.sink.VectorSearcher;
import io.pgstream.jobs.templates.JobConfig;
import io.pgstream.jobs.templates.JobConfigLoader;
import io.pgstream.jobs.templates.Models;
import io.pgstream.jobs.templates.VectorStores;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pgstream search --config job.yaml [-k N] "query"}: embeds the query with the job's model
 * and prints the nearest chunks of the job's index as JSON lines, best first: {@code id}, {@code
 * score} (cosine similarity, higher is closer), {@code content}, {@code source_table}, {@code
 * chunk}, {@code metadata}.
 */
@Command(
        name = "search",
        mixinStandardHelpOptions = true,
        versionProvider = PgstreamCli.Version.class,
        description = "Print the rows nearest to a query text as JSON lines, best first.")
final class SearchCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Job file.")
    Path config;

    @Option(
            names = {"-k", "--limit"},
            defaultValue = "5",
            description = "How many results (default: ${DEFAULT-VALUE}).")
    int k;

    @Parameters(arity = "1", paramLabel = "QUERY", description = "The text to search for.")
    String query;

    @Override
    public Integer call() throws Exception {
        if (k < 1) {
            throw new ParameterException(spec.commandLine(), "-k must be at least 1");
        }
        JobConfig job = JobConfigLoader.load(config);
        float[] vector;
        try (EmbeddingModel model = Models.factory(job.embedding()).create()) {
            vector = model.embed(List.of(query)).get(0);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (VectorSearcher searcher = VectorStores.searcher(job).open()) {
            for (SearchHit hit : searcher.search(vector, k)) {
                out.println(json(hit));
            }
        }
        out.flush();
        return 0;
    }

    static String json(SearchHit hit) {
        StringBuilder sb = new StringBuilder("{\"id\":");
        ChangeEventJson.string(sb, hit.id());
        sb.append(",\"score\":").append(String.format(Locale.ROOT, "%.6f", hit.score()));
        sb.append(",\"content\":");
        ChangeEventJson.string(sb, hit.content());
        sb.append(",\"source_table\":");
        ChangeEventJson.string(sb, hit.sourceTable());
        sb.append(",\"chunk\":").append(hit.chunk());
        sb.append(",\"metadata\":")
                .append(hit.metadataJson() == null ? "null" : hit.metadataJson());
        return sb.append('}').toString();
    }
}
