package io.spendstream.deploy.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;

/**
 * The spendstream command's logging, on logback ({@code logback.xml}: one console appender on stderr, Kafka at WARN).
 * Two switches: the console's format ({@link Format#TEXT} lines for a person, {@link Format#JSON} lines for a log
 * pipeline, with slf4j key-value pairs such as a dead letter's topic, partition, offset, processor and reason), and,
 * for {@code up}, Kafka's own loggers (the embedded broker, its clients, Kafka Streams) to a file instead of the
 * console: their retriable errors are nothing a person at the console can act on.
 *
 * <p>When slf4j is bound to another backend (a test classpath), both switches do nothing.
 */
public final class Logging {

    /** The console format. */
    public enum Format { TEXT, JSON }

    /** Environment variable choosing the format when no {@code --log-format} is given: text or json. */
    public static final String FORMAT_ENV = "SPENDSTREAM_LOG_FORMAT";

    static final String CONSOLE_APPENDER = "console";
    static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    /**
     * The roots of Kafka's loggers: the broker ({@code kafka.*}, its state-change log), clients, Kafka Streams, and
     * the broker's {@code LogFutureTimestampLogger} (a bare name outside both roots: it warns every 15 s per segment
     * that holds records timestamped after the wall clock, which the bench's compressed event time and future-dated
     * FOCUS rows produce; it matters to the broker's time retention only, never to Spendstream).
     */
    static final List<String> KAFKA_LOGGERS = List.of("kafka", "org.apache.kafka", "state.change.logger",
            "LogFutureTimestampLogger");

    private Logging() {
    }

    /** The format a command uses: its flag, else {@value #FORMAT_ENV} from {@code env}, else text. */
    public static Format format(Format flag, Map<String, String> env) {
        if (flag != null) {
            return flag;
        }
        String value = env.get(FORMAT_ENV);
        if (value == null || value.isBlank()) {
            return Format.TEXT;
        }
        try {
            return Format.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FORMAT_ENV + "=" + value + " is not a log format; use text or json");
        }
    }

    /** Switches the console appender to {@code format}. */
    public static void useFormat(Format format) {
        LoggerContext context = context();
        if (context == null) {
            return;
        }
        Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(CONSOLE_APPENDER);
        if (!(appender instanceof OutputStreamAppender<ILoggingEvent> console)) {
            return;
        }
        Encoder<ILoggingEvent> encoder = format == Format.JSON ? jsonEncoder(context) : textEncoder(context);
        console.stop();
        console.setEncoder(encoder);
        console.start();
    }

    /**
     * Sends Kafka's loggers to {@code file} (appended, created with its directory) and no longer to the console,
     * until the result is closed. Their levels stay as configured (WARN): the file keeps what the console used to
     * show, such as the broker's retriable errors, not the ~1,900 INFO lines of a broker start.
     */
    public static KafkaLogFile sendKafkaLogsTo(Path file) {
        LoggerContext context = context();
        if (context == null) {
            return new KafkaLogFile(null, List.of());
        }
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("kafka-file");
        appender.setFile(file.toAbsolutePath().toString());
        appender.setAppend(true);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{ISO8601} %-5level [%thread] %logger - %msg%n");
        encoder.start();
        appender.setEncoder(encoder);
        appender.start();
        List<Logger> loggers = new ArrayList<>();
        for (String name : KAFKA_LOGGERS) {
            Logger logger = context.getLogger(name);
            logger.addAppender(appender);
            logger.setAdditive(false);
            loggers.add(logger);
        }
        return new KafkaLogFile(appender, loggers);
    }

    /** Kafka's logs going to a file; closing sends them back to the console. */
    public static final class KafkaLogFile implements AutoCloseable {

        private final FileAppender<ILoggingEvent> appender;
        private final List<Logger> loggers;

        private KafkaLogFile(FileAppender<ILoggingEvent> appender, List<Logger> loggers) {
            this.appender = appender;
            this.loggers = loggers;
        }

        @Override
        public void close() {
            if (appender == null) {
                return;
            }
            for (Logger logger : loggers) {
                logger.detachAppender(appender);
                logger.setAdditive(true);
            }
            appender.stop();
        }
    }

    private static Encoder<ILoggingEvent> textEncoder(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(TEXT_PATTERN);
        encoder.start();
        return encoder;
    }

    /**
     * One JSON object per line: timestamp, level, thread, logger, the formatted message, MDC, key-value pairs and
     * the exception; not logback's per-line context, sequence numbers or raw message templates and arguments.
     */
    private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext context) {
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        return encoder;
    }

    private static LoggerContext context() {
        return LoggerFactory.getILoggerFactory() instanceof LoggerContext context ? context : null;
    }
}
