package io.clusterdoc.engine;

/**
 * Told how long each rule evaluation took, and of each that failed. Called on the engine's thread for every
 * evaluation: keep it cheap.
 */
@FunctionalInterface
public interface RuleMonitor {
  RuleMonitor NONE = (ruleId, nanos) -> {
  };

  void evaluated(String ruleId, long nanos);

  /** The rule threw on an object (or while mapping a change to its subjects); its earlier findings stand. */
  default void failed(String ruleId) {
  }
}
