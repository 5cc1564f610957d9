package io.clusterdoc.operator;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosis;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.clusterdoc.api.v1alpha1.RemediationRecord;
import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.InvalidSettingException;
import io.clusterdoc.engine.TrackedFinding;
import io.clusterdoc.remediation.RemediationPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps each ClusterDiagnosis in step with its engine: a spec change reconfigures the engine, and a findings
 * change (signalled by the evaluation loop) becomes a coalesced status write. The reconciler never evaluates
 * rules itself.
 */
@ControllerConfiguration(name = "clusterdiagnosis")
public final class ClusterDiagnosisReconciler implements Reconciler<ClusterDiagnosis> {
  private final SimpleInboundEventSource<ClusterDiagnosis> findingsChanged =
      new SimpleInboundEventSource<>("findings-changed");
  private final SpecReader specReader;
  private final EvaluationLoop loop;
  private final StatusWriter statusWriter;
  private final DetectionTracker detections;
  private final RemediationLoop remediation;
  private final int ruleCount;
  private volatile IndexerResourceCache<ClusterDiagnosis> primaryCache;
  /** Set at the first reconciliation: before it the controller's cache may not be started (or, on a standby, ever). */
  private volatile boolean reconciling;

  ClusterDiagnosisReconciler(SpecReader specReader, EvaluationLoop loop, StatusWriter statusWriter,
      DetectionTracker detections, RemediationLoop remediation, int ruleCount) {
    this.specReader = specReader;
    this.loop = loop;
    this.statusWriter = statusWriter;
    this.detections = detections;
    this.remediation = remediation;
    this.ruleCount = ruleCount;
  }

  /** Asks for a reconciliation of the named diagnosis because its findings changed. */
  void findingsChanged(String name) {
    findingsChanged.propagateEvent(new ResourceID(name));
  }

  @Override
  public List<EventSource<?, ClusterDiagnosis>> prepareEventSources(EventSourceContext<ClusterDiagnosis> context) {
    primaryCache = context.getPrimaryCache();
    return List.of(findingsChanged);
  }

  @Override
  public UpdateControl<ClusterDiagnosis> reconcile(ClusterDiagnosis diagnosis, Context<ClusterDiagnosis> context) {
    reconciling = true;
    long generation = Optional.ofNullable(diagnosis.getMetadata().getGeneration()).orElse(0L);
    String name = diagnosis.getMetadata().getName();
    ClusterDiagnosisStatus desired;
    List<TrackedFinding> shown = List.of();
    RemediationPolicy policy = RemediationPolicy.OFF;
    try {
      EngineConfig config = specReader.read(diagnosis.getSpec());
      policy = specReader.remediation(diagnosis.getSpec());
      shown = loop.configure(name, config, StatusMapper.known(diagnosis.getStatus())).join().findings();
      desired = StatusMapper.findings(shown, diagnosis.getSpec(), generation, diagnosis.getStatus(),
          ruleCount - config.disabledRules().size());
    } catch (InvalidSettingException e) {
      // An unreadable spec must not leave an older policy acting: remediation stops until the spec is fixed.
      desired = StatusMapper.invalid(e.getMessage(), generation, diagnosis.getStatus());
    }
    List<RemediationRecord> history = remediation.configure(name, policy,
        StatusMapper.remediations(diagnosis.getStatus())).join();
    desired.setRemediations(history.isEmpty() ? null : history);
    Optional<Duration> retryIn = statusWriter.write(diagnosis, desired);
    if (retryIn.isPresent()) {
      return UpdateControl.<ClusterDiagnosis>noUpdate().rescheduleAfter(retryIn.get().toMillis());
    }
    detections.reported(name, shown);
    return UpdateControl.noUpdate();
  }

  /** The names of the diagnoses that exist, once the controller has reconciled: none is known before. */
  Optional<Set<String>> existingDiagnoses() {
    IndexerResourceCache<ClusterDiagnosis> cache = primaryCache;
    return cache == null || !reconciling ? Optional.empty()
        : Optional.of(cache.list().map(d -> d.getMetadata().getName()).collect(Collectors.toSet()));
  }
}
