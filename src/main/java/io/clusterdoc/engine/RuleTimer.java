package io.clusterdoc.engine;

/** Told how long each rule evaluation took. Called on the engine's thread for every evaluation: keep it cheap. */
@FunctionalInterface
public interface RuleTimer {
  RuleTimer NONE = (ruleId, nanos) -> {
  };

  void evaluated(String ruleId, long nanos);
}
