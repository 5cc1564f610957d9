package io.clusterdoc.operator;

import io.clusterdoc.api.v1alpha1.RemediationRecord;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.metrics.ClusterdocMetrics;
import io.clusterdoc.remediation.Outcome;
import io.clusterdoc.remediation.Remediator;
import java.util.function.Consumer;

/** Each remediation decision becomes an Event on the finding's object, a metric and a status update. */
final class RemediationAudit implements Remediator.Audit {
  private final FindingEvents events;
  private final ClusterdocMetrics metrics;
  private final Consumer<String> statusChanged;

  RemediationAudit(FindingEvents events, ClusterdocMetrics metrics, Consumer<String> statusChanged) {
    this.events = events;
    this.metrics = metrics;
    this.statusChanged = statusChanged;
  }

  @Override
  public void recorded(String diagnosis, ObjectRef object, Outcome outcome, RemediationRecord record) {
    boolean asked = outcome == Outcome.APPLIED || outcome == Outcome.DRY_RUN;
    events.record(object, outcome.eventReason(), asked ? "Normal" : "Warning",
        record.getAction() + " " + outcome.display() + ": " + record.getReason());
    metrics.remediation(record.getAction(), outcome);
    statusChanged.accept(diagnosis);
  }
}
