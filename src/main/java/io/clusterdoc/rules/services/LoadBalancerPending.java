package io.clusterdoc.rules.services;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LoadBalancerStatus;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceStatus;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A LoadBalancer Service without an external address. Something outside Kubernetes proper assigns it: a cloud
 * provider's controller, or on bare metal an implementation such as MetalLB or kube-vip. Without one, EXTERNAL-IP
 * stays {@code <pending>} for ever, while the Service still answers on its node ports.
 */
public final class LoadBalancerPending extends ObjectRule<Service> {
  public static final String ID = "loadbalancer-pending";

  public LoadBalancerPending() {
    super(ID, Severity.INFO, "LoadBalancer Service has no external address (EXTERNAL-IP <pending>)", Service.class,
        Threshold.of(Duration.ofMinutes(10)), Kind.EVENT);
  }

  @Override
  protected List<Finding> check(Service service, ClusterView view, RuleContext context) {
    if (service.getSpec() == null || !"LoadBalancer".equals(service.getSpec().getType()) || hasAddress(service)
        || !SettlingTime.pastCreation(service, context)) {
      return List.of();
    }
    Optional<Event> latestWarning = latest(view.warningEventsAbout(service));
    return List.of(finding(service)
        .message("Service " + ServiceFindingText.name(service) + " of type LoadBalancer has no external address "
            + "(EXTERNAL-IP <pending>) more than " + Durations.format(context.threshold()) + " after its creation at "
            + service.getMetadata().getCreationTimestamp() + ".")
        .cause("Nothing has written status.loadBalancer.ingress. In a cloud, the provider's cloud-controller-manager "
            + "creates a load balancer and writes its address; on bare metal nothing assigns addresses unless a "
            + "load-balancer implementation such as MetalLB or kube-vip is installed and has a pool for this "
            + "Service." + loadBalancerClass(service) + latestWarning.map(LoadBalancerPending::quoted).orElse(""))
        .remediation(ServiceFindingText.kubectl(service) + " describe service " + service.getMetadata().getName()
            + " shows the events of whatever handles it (EnsuringLoadBalancer, SyncLoadBalancerFailed, MetalLB's "
            + "AllocationFailed); no event at all usually means nothing does. Then read that controller's logs: "
            + "the cloud-controller-manager (quota, permissions, subnet tags) or MetalLB's (kubectl -n "
            + "metallb-system logs deploy/controller: \"no available IPs\" means the IPAddressPool is exhausted or "
            + "none matches). On bare metal without one, install MetalLB with an IPAddressPool and an "
            + "L2Advertisement (or kube-vip), or make the Service type NodePort." + nodePorts(service))
        .build());
  }

  /** Warning Events about the Service: MetalLB and the service controller say there why they assign nothing. */
  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    ObjectReference about = changed instanceof Event event ? event.getInvolvedObject() : null;
    return about != null && "Service".equals(about.getKind()) && about.getName() != null
        ? List.of(Keys.of(about.getNamespace(), about.getName()))
        : List.of();
  }

  private static boolean hasAddress(Service service) {
    return Optional.ofNullable(service.getStatus()).map(ServiceStatus::getLoadBalancer)
        .map(LoadBalancerStatus::getIngress).filter(ingress -> !ingress.isEmpty()).isPresent();
  }

  private static String loadBalancerClass(Service service) {
    String name = service.getSpec().getLoadBalancerClass();
    return name == null ? "" : " Its spec.loadBalancerClass is " + name + ": only the implementation of that class "
        + "handles it, the cloud provider's default one ignores it.";
  }

  private static Optional<Event> latest(List<Event> events) {
    return events.isEmpty() ? Optional.empty() : Optional.of(events.get(events.size() - 1));
  }

  private static String quoted(Event event) {
    return " Latest warning event: " + event.getReason() + ": \"" + event.getMessage() + "\".";
  }

  /** The node ports work whatever happens to the external address: a stopgap worth saying. */
  private static String nodePorts(Service service) {
    List<String> ports = Objects.requireNonNullElse(service.getSpec().getPorts(), List.<ServicePort>of()).stream()
        .filter(port -> port != null && port.getNodePort() != null)
        .map(port -> port.getPort() + ":" + port.getNodePort())
        .toList();
    return ports.isEmpty() ? "" : " Meanwhile the Service answers on every node's address at its node ports ("
        + String.join(", ", ports) + ").";
  }
}
