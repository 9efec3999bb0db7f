package io.cachepipe.cli.logging;

import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The encoder of logback.xml's console: {@code text} (one readable line per event, the default, in
 * {@link #setPattern the pattern}) or {@code json} (one JSON object per line for a log pipeline:
 * timestamp, level, thread, logger, message template and formatted message, MDC, throwable). Chosen by
 * {@code CACHEPIPE_LOG_FORMAT} in the environment or the system property of the same name, since
 * logging starts before any settings file is read. A value that is neither is said on stderr once and
 * the text format is used: a typo must not silence the logs.
 */
public final class LogFormat extends EncoderBase<ILoggingEvent> {
    /** The environment variable (and system property) that chooses the format. */
    public static final String VARIABLE = "CACHEPIPE_LOG_FORMAT";

    private String pattern = "%d{HH:mm:ss.SSS} %-5level %logger{24} - %msg%n";
    private @Nullable Encoder<ILoggingEvent> delegate;

    /** The text format's layout (logback's pattern syntax). */
    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    @Override
    public void start() {
        Encoder<ILoggingEvent> encoder;
        if (choose(System.getProperty(VARIABLE, System.getenv(VARIABLE))).equals("json")) {
            var json = new JsonEncoder();
            json.setWithSequenceNumber(false);
            json.setWithNanoseconds(false);
            json.setWithContext(false);
            json.setWithArguments(false);
            json.setWithFormattedMessage(true);
            encoder = json;
        } else {
            var text = new PatternLayoutEncoder();
            text.setPattern(pattern);
            encoder = text;
        }
        encoder.setContext(getContext());
        encoder.start();
        delegate = encoder;
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate().headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate().encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate().footerBytes();
    }

    private Encoder<ILoggingEvent> delegate() {
        Encoder<ILoggingEvent> encoder = delegate;
        if (encoder == null) {
            throw new IllegalStateException("the log encoder was not started");
        }
        return encoder;
    }

    /** {@code text} or {@code json} for the variable's value; says so on stderr when it is neither. */
    static String choose(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return "text";
        }
        String format = value.strip().toLowerCase(Locale.ROOT);
        if (format.equals("text") || format.equals("json")) {
            return format;
        }
        System.err.println("cachepipe: " + VARIABLE + "=" + value + " is not a log format (text or json): logging as text");
        return "text";
    }
}
