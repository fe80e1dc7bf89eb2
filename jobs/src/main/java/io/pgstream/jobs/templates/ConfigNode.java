package io.pgstream.jobs.templates;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.flink.util.TimeUtils;

/**
 * One mapping of a job file with its dotted path, read key by key: every read names the key in its
 * error, and {@link #finish()} rejects keys nobody read (a typo such as {@code tabels} is an error,
 * never silently ignored). {@code ${NAME}} in a string value is replaced by the environment
 * variable {@code NAME}, so secrets stay out of the file.
 */
final class ConfigNode {

    private final String origin;
    private final String path;
    private final Map<String, Object> values;
    private final Set<String> read = new LinkedHashSet<>();
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

    JobConfigException error(String key, String message) {
        return new JobConfigException(origin + ": " + key(key) + ": " + message);
    }

    boolean has(String name) {
        return values.get(name) != null;
    }

    ConfigNode section(String name, boolean required) {
        read.add(name);
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

    String string(String name) {
        String v = optionalString(name, null);
        if (v == null || v.isBlank()) {
            throw missing(name, "required");
        }
        return v;
    }

    String optionalString(String name, String fallback) {
        read.add(name);
        Object v = values.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Map || v instanceof List) {
            throw error(name, "must be a single value, not '" + v + "'");
        }
        return expand(name, String.valueOf(v));
    }

    List<String> stringList(String name, boolean required) {
        read.add(name);
        Object v = values.get(name);
        if (v == null) {
            if (required) {
                throw missing(name, "a list is required, e.g. [public.documents]");
            }
            return List.of();
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

    int integer(String name, int fallback, int min) {
        String v = optionalString(name, null);
        if (v == null) {
            return fallback;
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

    double decimal(String name, double fallback, double min) {
        String v = optionalString(name, null);
        if (v == null) {
            return fallback;
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

    boolean bool(String name, boolean fallback) {
        String v = optionalString(name, null);
        if (v == null) {
            return fallback;
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

    Duration duration(String name, Duration fallback) {
        String v = optionalString(name, null);
        if (v == null) {
            return fallback;
        }
        try {
            Duration d = TimeUtils.parseDuration(v.trim());
            if (d.isNegative() || d.isZero()) {
                throw error(name, "must be positive, not '" + v + "'");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw error(name, "must be a duration such as 10s, 500ms or 1min, not '" + v + "'");
        }
    }

    <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
        String v = optionalString(name, null);
        if (v == null) {
            return fallback;
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

    /** A missing key; when a present key looks like a typo of it, says so. */
    JobConfigException missing(String name, String what) {
        for (String k : values.keySet()) {
            if (!k.equals(name) && distance(k, name) < 3) {
                return error(name, "missing (" + what + "); found '" + k + "' instead: a typo?");
            }
        }
        return error(name, "missing (" + what + ")");
    }

    /** Fails on any key that was not read: a misspelt key never passes silently. */
    void finish() {
        for (String k : values.keySet()) {
            if (!read.contains(k)) {
                throw error(k, "unknown key" + suggestion(k));
            }
        }
    }

    private String suggestion(String unknown) {
        String best = null;
        int bestDistance = 3;
        for (String k : read) {
            int d = distance(unknown, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return best == null
                ? " (known keys: " + String.join(", ", read) + ")"
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
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < value.length()) {
            int start = value.indexOf("${", i);
            if (start < 0) {
                out.append(value, i, value.length());
                break;
            }
            int end = value.indexOf('}', start);
            if (end < 0) {
                out.append(value, i, value.length());
                break;
            }
            String var = value.substring(start + 2, end);
            String resolved = env.apply(var);
            if (resolved == null) {
                throw error(
                        name, "refers to environment variable ${" + var + "}, which is not set");
            }
            out.append(value, i, start).append(resolved);
            i = end + 1;
        }
        return out.toString();
    }
}
