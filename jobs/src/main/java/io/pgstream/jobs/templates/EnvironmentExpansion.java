package io.pgstream.jobs.templates;

import java.util.function.Function;

/**
 * Replaces {@code ${NAME}} with the environment variable {@code NAME}: the one expansion of job
 * files and SQL scripts, so both keep secrets out of the file by the same rule. A {@code ${} with
 * no closing brace is left as written; a variable that is not set is an error, never an empty
 * string (an empty password or DSN would fail later with a message that hides the cause).
 */
public final class EnvironmentExpansion {

    private EnvironmentExpansion() {}

    /** A {@code ${NAME}} whose variable is not set, with where it starts in the text. */
    public static final class UnsetVariableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final String variable;
        private final int offset;

        UnsetVariableException(String variable, int offset) {
            super("${" + variable + "} is not set");
            this.variable = variable;
            this.offset = offset;
        }

        /** The variable's name, without {@code ${}} and {@code }}. */
        public String variable() {
            return variable;
        }

        /** The index of its {@code $} in the expanded text. */
        public int offset() {
            return offset;
        }
    }

    /**
     * {@code text} with every {@code ${NAME}} replaced by {@code env.apply(NAME)}.
     *
     * @throws UnsetVariableException for the first variable {@code env} has no value for
     */
    public static String expand(String text, Function<String, String> env) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("${", i);
            int end = start < 0 ? -1 : text.indexOf('}', start);
            if (end < 0) {
                out.append(text, i, text.length());
                break;
            }
            String variable = text.substring(start + 2, end);
            String value = env.apply(variable);
            if (value == null) {
                throw new UnsetVariableException(variable, start);
            }
            out.append(text, i, start).append(value);
            i = end + 1;
        }
        return out.toString();
    }
}
