package io.clusterdoc.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Keeps what a class logs, from DEBUG up, until closed; closing detaches it and restores the logger's level. Use it
 * in try-with-resources so that no other test sees it.
 */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final Level level;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> loggingClass) {
    logger = (Logger) LoggerFactory.getLogger(loggingClass);
    level = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    appender.start();
    logger.addAppender(appender);
  }

  public static LogCapture of(Class<?> loggingClass) {
    return new LogCapture(loggingClass);
  }

  /** The events logged so far, oldest first. */
  public List<ILoggingEvent> events() {
    return List.copyOf(appender.list);
  }

  /** The formatted messages of the events logged so far at the given level. */
  public List<String> messages(Level at) {
    return events().stream().filter(e -> e.getLevel() == at).map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** The formatted messages of the events logged so far, at any level. */
  public List<String> messages() {
    return events().stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  /** Forgets the events logged so far. */
  public void clear() {
    appender.list.clear();
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
    logger.setLevel(level);
  }
}
