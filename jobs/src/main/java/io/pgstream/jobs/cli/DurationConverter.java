package io.pgstream.jobs.cli;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A positive duration option as the job file writes them: {@code 200ms}, {@code 5s}, {@code 1m}.
 */
final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        Duration d;
        try {
            d = TimeUtils.parseDuration(value.trim());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new TypeConversionException(
                    "'" + value + "' is not a duration (write it like 200ms, 5s or 1m)");
        }
        if (d.isZero() || d.isNegative()) {
            throw new TypeConversionException("'" + value + "' must be longer than 0");
        }
        return d;
    }
}
