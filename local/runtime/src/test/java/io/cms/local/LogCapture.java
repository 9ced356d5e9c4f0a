package io.cms.local;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * What one class logs while a test runs, from DEBUG up (Logback is CMS Local's SLF4J provider, in
 * tests too). Thread-safe: the code under test may log from its own threads.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level level;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
        this.level = logger.getLevel();
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
    }

    /** Starts capturing what {@code type}'s logger logs. */
    public static LogCapture of(Class<?> type) {
        org.slf4j.Logger logger = LoggerFactory.getLogger(type);
        if (!(logger instanceof Logger logback)) {
            throw new IllegalStateException("capturing logs needs Logback as the SLF4J provider, got " + logger.getClass().getName());
        }
        return new LogCapture(logback);
    }

    /** The formatted messages logged at {@code level} so far, oldest first. */
    public List<String> messages(Level level) {
        // The appender appends while holding its own monitor.
        synchronized (appender) {
            return appender.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** How many messages logged at {@code level} so far contain {@code fragment}. */
    public long count(Level level, String fragment) {
        return messages(level).stream().filter(m -> m.contains(fragment)).count();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
        appender.stop();
    }
}
