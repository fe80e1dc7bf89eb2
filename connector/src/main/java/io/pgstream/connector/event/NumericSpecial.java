package io.pgstream.connector.event;

/**
 * The non-finite values of PostgreSQL {@code numeric}, which {@link java.math.BigDecimal} cannot
 * hold. A finite numeric decodes to {@code BigDecimal}; these decode to this enum.
 */
public enum NumericSpecial {
    NAN("NaN"),
    POSITIVE_INFINITY("Infinity"),
    NEGATIVE_INFINITY("-Infinity");

    private final String text;

    NumericSpecial(String text) {
        this.text = text;
    }

    /** PostgreSQL's text form: {@code NaN}, {@code Infinity}, {@code -Infinity}. */
    @Override
    public String toString() {
        return text;
    }
}
