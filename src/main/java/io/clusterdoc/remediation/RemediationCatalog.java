package io.clusterdoc.remediation;

import io.clusterdoc.remediation.actions.DeleteEvictedPods;
import io.clusterdoc.remediation.actions.FinalizeNamespace;
import io.clusterdoc.remediation.actions.ForceDeleteStuckPod;
import io.clusterdoc.remediation.actions.NameEndpointsPorts;
import java.util.List;

/** Every remediation action, one per rule at most. */
public final class RemediationCatalog {
  private RemediationCatalog() {
  }

  public static List<RemediationAction> all() {
    return List.of(new FinalizeNamespace(), new DeleteEvictedPods(), new NameEndpointsPorts(),
        new ForceDeleteStuckPod());
  }
}
