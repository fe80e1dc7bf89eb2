package io.pgstream.jobs.templates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;

/**
 * One mapping of a job file with its dotted path, read option by option: the key of each read is
 * the {@link ConfigOption}'s (the job file's dotted path), its default the option's, and every read
 * names the key in its error. {@link #finish()} rejects names that no declared option has ({@link
 * JobFileOptions}), so a typo such as {@code tabels} is an error, never silently ignored. {@code
 * ${NAME}} in a string value is replaced by the environment variable {@code NAME}, so secrets stay
 * out of the file. It is over 300 lines because it holds one typed read per kind of value (string,
 * int, duration, memory size, enum, list, section), each with its own error message.
 */
final class ConfigNode {

    private final String origin;
    private final String path;
    private final Map<String, Object> values;
    private final Function<String, String> env;

    ConfigNode(String origin, String path, Map<?, ?> values, Function<String, String> env) {
        this.origin = origin;
        this.path = path;
        this.values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : values.entrySet()) {
            this.values.put(String.valueOf(e.getKey()), e.getValue());
        }
        this.env = env;
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** {@code option}'s name in this mapping: its key without this mapping's path. */
    String name(ConfigOption<?> option) {
        String prefix = path.isEmpty() ? "" : path + ".";
        String rest = option.key().substring(prefix.length());
        if (!option.key().startsWith(prefix) || rest.contains(".")) {
            throw new IllegalArgumentException(option.key() + " is not a key of " + path);
        }
        return rest;
    }

    JobConfigException error(String key, String message) {
        return new JobConfigException(origin + ": " + key(key) + ": " + message);
    }

    JobConfigException error(ConfigOption<?> option, String message) {
        return error(name(option), message);
    }

    boolean has(String name) {
        return values.get(name) != null;
    }

    boolean has(ConfigOption<?> option) {
        return has(name(option));
    }

    ConfigNode section(String name, boolean required) {
        Object v = values.get(name);
        if (v == null) {
            if (required) {
                throw missing(name, "a mapping is required here");
            }
            return new ConfigNode(origin, key(name), Map.of(), env);
        }
        if (!(v instanceof Map)) {
            throw error(name, "must be a mapping of keys, not '" + v + "'");
        }
        return new ConfigNode(origin, key(name), (Map<?, ?>) v, env);
    }

    /** A required string: present and not blank. */
    String string(ConfigOption<String> option) {
        String v = raw(name(option));
        if (v == null || v.isBlank()) {
            throw missing(name(option), "required");
        }
        return v;
    }

    /** The value, else the option's default (null when it has none). */
    String optionalString(ConfigOption<String> option) {
        return optionalString(option, option.hasDefaultValue() ? option.defaultValue() : null);
    }

    /** The value, else {@code fallback}: for defaults derived from other keys. */
    String optionalString(ConfigOption<String> option, String fallback) {
        String v = raw(name(option));
        return v == null ? fallback : v;
    }

    List<String> stringList(ConfigOption<List<String>> option, boolean required) {
        String name = name(option);
        Object v = values.get(name);
        if (v == null) {
            if (required) {
                throw missing(name, "a list is required, e.g. [public.documents]");
            }
            return option.hasDefaultValue() ? option.defaultValue() : List.of();
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List) {
            for (Object item : (List<?>) v) {
                if (item == null || item instanceof Map || item instanceof List) {
                    throw error(name, "must be a list of names, found '" + item + "'");
                }
                out.add(expand(name, String.valueOf(item)));
            }
        } else {
            out.add(expand(name, String.valueOf(v)));
        }
        if (required && out.isEmpty()) {
            throw error(name, "is empty (name at least one)");
        }
        return out;
    }

    /** The value (at least {@code min}), else the option's default. */
    int integer(ConfigOption<Integer> option, int min) {
        Integer v = optionalInteger(option, min);
        if (v == null) {
            throw new IllegalArgumentException(option.key() + " has no default");
        }
        return v;
    }

    /** The value (at least {@code min}), else the option's default, else null. */
    Integer optionalInteger(ConfigOption<Integer> option, int min) {
        String name = name(option);
        String v = raw(name);
        if (v == null) {
            return option.hasDefaultValue() ? option.defaultValue() : null;
        }
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw error(name, "must be a whole number, not '" + v + "'");
        }
        if (n < min) {
            throw error(name, "must be at least " + min + ", not " + n);
        }
        return n;
    }

    /** The value (at least {@code min}), else the option's default, else null. */
    Double decimal(ConfigOption<Double> option, double min) {
        String name = name(option);
        String v = raw(name);
        if (v == null) {
            return option.hasDefaultValue() ? option.defaultValue() : null;
        }
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw error(name, "must be a number such as 2 or 1.5, not '" + v + "'");
        }
        if (!(d >= min) || Double.isInfinite(d)) {
            throw error(name, "must be a number of at least " + min + ", not " + v.trim());
        }
        return d;
    }

    boolean bool(ConfigOption<Boolean> option) {
        String name = name(option);
        String v = raw(name);
        if (v == null) {
            return option.defaultValue();
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
            case "on":
                return true;
            case "false":
            case "no":
            case "off":
                return false;
            default:
                throw error(name, "must be true or false, not '" + v + "'");
        }
    }

    /** A positive duration, else the option's default, else null. */
    Duration duration(ConfigOption<Duration> option) {
        return duration(option, false);
    }

    /** A positive (or, with {@code zeroAllowed}, zero) duration, else the default, else null. */
    Duration duration(ConfigOption<Duration> option, boolean zeroAllowed) {
        String name = name(option);
        String v = raw(name);
        if (v == null) {
            return option.hasDefaultValue() ? option.defaultValue() : null;
        }
        try {
            Duration d = TimeUtils.parseDuration(v.trim());
            if (d.isNegative() || d.isZero() && !zeroAllowed) {
                throw error(name, "must be positive, not '" + v + "'");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw error(name, "must be a duration such as 10s, 500ms or 1min, not '" + v + "'");
        }
    }

    /**
     * One of {@code type}'s constants, written in lower case with {@code -} for {@code _}, else the
     * option's default, else null.
     */
    <E extends Enum<E>> E choice(ConfigOption<E> option, Class<E> type) {
        String name = name(option);
        String v = raw(name);
        if (v == null) {
            return option.hasDefaultValue() ? option.defaultValue() : null;
        }
        String wanted = v.trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw error(name, "unknown value '" + v + "'; allowed: " + String.join(", ", allowed));
    }

    /** The value as written (a single value, {@code ${NAME}} expanded), or null when absent. */
    String text(ConfigOption<?> option) {
        return raw(name(option));
    }

    /** A single value with {@code ${NAME}} expanded, or null when absent. */
    private String raw(String name) {
        Object v = values.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Map || v instanceof List) {
            throw error(name, "must be a single value, not '" + v + "'");
        }
        return expand(name, String.valueOf(v));
    }

    /** A missing key; when a present key looks like a typo of it, says so. */
    JobConfigException missing(String name, String what) {
        for (String k : values.keySet()) {
            if (!k.equals(name) && distance(k, name) < 3) {
                return error(name, "missing (" + what + "); found '" + k + "' instead: a typo?");
            }
        }
        return error(name, "missing (" + what + ")");
    }

    /**
     * Fails on any name no declared option has under this path: a misspelt key never passes
     * silently.
     */
    void finish() {
        Set<String> known = JobFileOptions.namesUnder(path);
        for (String k : values.keySet()) {
            if (!known.contains(k)) {
                throw error(k, "unknown key" + suggestion(k, known));
            }
        }
    }

    private String suggestion(String unknown, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String k : known) {
            int d = distance(unknown, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best == null
                ? " (known keys: " + String.join(", ", known) + ")"
                : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private String expand(String name, String value) {
        try {
            return EnvironmentExpansion.expand(value, env);
        } catch (EnvironmentExpansion.UnsetVariableException e) {
            throw error(
                    name,
                    "refers to environment variable ${" + e.variable() + "}, which is not set");
        }
    }
}
