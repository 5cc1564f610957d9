package io.clusterdoc.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

/**
 * The operator's logging, set from its flags: one line per message on stdout, plain or JSON, clusterdoc's own
 * loggers at the chosen level and libraries at WARN, whatever logback file the image or class path carries.
 */
final class LogSetup {
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{36} - %msg%n";

  /** How each line is written. */
  enum Format {
    PLAIN, JSON
  }

  private LogSetup() {
  }

  static void apply(Format format, Level level) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    ConsoleAppender<ILoggingEvent> stdout = new ConsoleAppender<>();
    stdout.setContext(context);
    stdout.setName("STDOUT");
    stdout.setEncoder(encoder(format, context));
    stdout.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stdout);
    context.getLogger("io.clusterdoc").setLevel(level);
    // Leader changes are worth seeing at the default level.
    context.getLogger("io.javaoperatorsdk.operator.LeaderElectionManager").setLevel(Level.INFO);
    // v1alpha1 is clusterdoc's own API version; the client warns about every alpha version it meets.
    context.getLogger("io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils").setLevel(Level.ERROR);
  }

  private static Encoder<ILoggingEvent> encoder(Format format, LoggerContext context) {
    if (format == Format.JSON) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      json.start();
      return json;
    }
    PatternLayoutEncoder plain = new PatternLayoutEncoder();
    plain.setContext(context);
    plain.setPattern(PATTERN);
    plain.start();
    return plain;
  }
}
