package io.clusterdoc.metrics;

import java.util.List;

/** A probe: healthy when it finds no problem. */
@FunctionalInterface
public interface HealthCheck {
  /** What is wrong now, one line each; empty when healthy. */
  List<String> problems();
}
