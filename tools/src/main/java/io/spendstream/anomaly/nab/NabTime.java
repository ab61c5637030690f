package io.spendstream.anomaly.nab;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/**
 * Timestamps as NAB writes them: {@code 2014-02-26 13:45:00} in the data and result files and
 * {@code 2014-02-26 13:45:00.000000} in the label files. Both parse to the same {@link LocalDateTime}, which is how
 * window bounds are matched to rows (NAB compares parsed timestamps too).
 */
final class NabTime {

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .optionalEnd()
            .toFormatter();

    private NabTime() {
    }

    static LocalDateTime parse(String text) {
        return LocalDateTime.parse(text.trim(), FORMAT);
    }
}
