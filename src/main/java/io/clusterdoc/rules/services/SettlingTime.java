package io.clusterdoc.rules.services;

import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.engine.RuleContext;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Instant;

/**
 * A Service or Ingress needs a moment after a change before it has endpoints or an address: the rules of this
 * package judge a state only once it has lasted longer than their threshold.
 */
final class SettlingTime {
  private SettlingTime() {
  }

  /**
   * Whether the object has existed longer than the threshold; if not, asks for another look when it will have.
   * Objects without a readable creationTimestamp (written by hand) count as old: the API server always sets it.
   */
  static boolean pastCreation(HasMetadata object, RuleContext context) {
    return Timestamps.parse(object.getMetadata().getCreationTimestamp()).map(created -> past(created, context)).orElse(true);
  }

  /** Whether the threshold has passed since this moment; if not, asks for another look when it will have. */
  static boolean past(Instant since, RuleContext context) {
    Instant due = since.plus(context.threshold());
    if (context.now().isBefore(due)) {
      context.recheckAt(due);
      return false;
    }
    return true;
  }

}
