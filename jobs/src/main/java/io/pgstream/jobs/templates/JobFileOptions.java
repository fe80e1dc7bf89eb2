package io.pgstream.jobs.templates;

import io.pgstream.jobs.embedding.EmbeddingOptions;
import io.pgstream.jobs.sink.SinkOptions;
import io.pgstream.jobs.sink.pgvector.PgVectorSinkOptions;
import io.pgstream.jobs.sink.qdrant.QdrantSinkOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;

/**
 * Every key a job file may hold: the public {@link ConfigOption} constants of the section holders,
 * in declaration order. The loader's "unknown key" check and the key reference in {@code
 * docs/job-file.md} both come from this list, so a new option is known everywhere at once.
 */
public final class JobFileOptions {

    private JobFileOptions() {}

    /** The option holders, one per section, in the order a job file lists the sections. */
    static final List<Class<?>> HOLDERS =
            List.of(
                    SourceOptions.class,
                    EmbeddingOptions.class,
                    SinkOptions.class,
                    PgVectorSinkOptions.class,
                    QdrantSinkOptions.class,
                    CheckpointOptions.class,
                    RestartOptions.class,
                    JobOptions.class);

    /** All declared options. */
    public static final List<ConfigOption<?>> ALL = declared(HOLDERS);

    /**
     * The names directly under {@code path} ({@code ""}: the top level) that the job file may use,
     * keys and sections, in declaration order: under {@code embedding}, {@code batch-size} and
     * {@code chunking} among others.
     */
    static Set<String> namesUnder(String path) {
        String prefix = path.isEmpty() ? "" : path + ".";
        Set<String> names = new LinkedHashSet<>();
        for (ConfigOption<?> o : ALL) {
            if (o.key().startsWith(prefix)) {
                String rest = o.key().substring(prefix.length());
                int dot = rest.indexOf('.');
                names.add(dot < 0 ? rest : rest.substring(0, dot));
            }
        }
        return names;
    }

    private static List<ConfigOption<?>> declared(List<Class<?>> holders) {
        List<ConfigOption<?>> out = new ArrayList<>();
        for (Class<?> holder : holders) {
            for (Field f : holder.getFields()) {
                if (Modifier.isStatic(f.getModifiers())
                        && ConfigOption.class.isAssignableFrom(f.getType())) {
                    try {
                        out.add((ConfigOption<?>) f.get(null));
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot read " + f, e);
                    }
                }
            }
        }
        return List.copyOf(out);
    }
}
