package io.clusterdoc.rules;

import io.clusterdoc.engine.Rule;
import io.clusterdoc.rules.apiservices.ApiServiceUnavailable;
import io.clusterdoc.rules.containers.ContainerOomKilled;
import io.clusterdoc.rules.containers.PodConfigError;
import io.clusterdoc.rules.containers.PodImagePullFailed;
import io.clusterdoc.rules.containers.PodMountFailed;
import io.clusterdoc.rules.containers.PodSandboxFailed;
import io.clusterdoc.rules.dns.CorednsLoopDetected;
import io.clusterdoc.rules.dns.CorednsNotReady;
import io.clusterdoc.rules.limits.CertificateExpiring;
import io.clusterdoc.rules.limits.ObjectSizeNearLimit;
import io.clusterdoc.rules.namespaces.NamespaceStuckTerminating;
import io.clusterdoc.rules.nodes.NodeCordoned;
import io.clusterdoc.rules.nodes.NodeNotReady;
import io.clusterdoc.rules.nodes.NodePodCapacity;
import io.clusterdoc.rules.nodes.NodePressure;
import io.clusterdoc.rules.pods.PodCrashLooping;
import io.clusterdoc.rules.pods.PodEvicted;
import io.clusterdoc.rules.pods.PodHighRestarts;
import io.clusterdoc.rules.pods.PodNotReady;
import io.clusterdoc.rules.pods.PodStuckTerminating;
import io.clusterdoc.rules.pods.PodUnschedulable;
import io.clusterdoc.rules.services.EndpointsPortNameMismatch;
import io.clusterdoc.rules.services.IngressNoAddress;
import io.clusterdoc.rules.services.LoadBalancerPending;
import io.clusterdoc.rules.services.ServiceNoEndpoints;
import io.clusterdoc.rules.storage.PvcPending;
import io.clusterdoc.rules.webhooks.WebhookServiceUnavailable;
import io.clusterdoc.rules.workloads.DaemonSetIncomplete;
import io.clusterdoc.rules.workloads.DeploymentRolloutStuck;
import io.clusterdoc.rules.workloads.JobFailed;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Every rule clusterdoc ships, in one place: the operator, the scans and the docs all take them from here. */
public final class RuleCatalog {
  private static final List<Rule> RULES = List.<Rule>of(
      new NamespaceStuckTerminating(),
      new ApiServiceUnavailable(),
      new EndpointsPortNameMismatch(),
      new ServiceNoEndpoints(),
      new WebhookServiceUnavailable(),
      new LoadBalancerPending(),
      new IngressNoAddress(),
      new CorednsNotReady(),
      new CorednsLoopDetected(),
      new PodEvicted(),
      new NodeNotReady(),
      new NodePressure(),
      new NodePodCapacity(),
      new NodeCordoned(),
      new DaemonSetIncomplete(),
      new DeploymentRolloutStuck(),
      new JobFailed(),
      new PvcPending(),
      new ObjectSizeNearLimit(),
      new CertificateExpiring(),
      new PodCrashLooping(),
      new PodImagePullFailed(),
      new PodConfigError(),
      new PodStuckTerminating(),
      new PodUnschedulable(),
      new PodNotReady(),
      new PodSandboxFailed(),
      new PodMountFailed(),
      new ContainerOomKilled(),
      new PodHighRestarts()
  ).stream().sorted(Comparator.comparing(Rule::severity).thenComparing(Rule::id)).toList();

  private RuleCatalog() {
  }

  public static List<Rule> all() {
    return RULES;
  }

  public static Optional<Rule> byId(String id) {
    return RULES.stream().filter(r -> r.id().equals(id)).findFirst();
  }

  public static Set<String> ids() {
    return RULES.stream().map(Rule::id).collect(Collectors.toUnmodifiableSet());
  }
}
