package io.clusterdoc.rules.services;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerStatus;
import io.fabric8.kubernetes.api.model.networking.v1.IngressStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An Ingress without an address in its status. The ingress controller that handles it writes one, if it is
 * configured to publish it: an empty ADDRESS means no controller handles the Ingress's class, or the controller
 * does not publish an address (often because its own LoadBalancer Service has none).
 */
public final class IngressNoAddress extends ObjectRule<Ingress> {
  public static final String ID = "ingress-no-address";

  /** The class annotation that predates spec.ingressClassName and that controllers still honour. */
  private static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";

  public IngressNoAddress() {
    super(ID, Severity.INFO, "Ingress has no address: no controller handles its class or none publishes an address",
        Ingress.class, Threshold.of(Duration.ofMinutes(10)));
  }

  @Override
  protected List<Finding> check(Ingress ingress, ClusterView view, RuleContext context) {
    if (hasAddress(ingress) || !SettlingTime.pastCreation(ingress, context)) {
      return List.of();
    }
    String namespace = ingress.getMetadata().getNamespace();
    String name = ingress.getMetadata().getName();
    Optional<String> ingressClass = ingressClass(ingress);
    return List.of(finding(ingress)
        .message("Ingress " + namespace + "/" + name + " has no address more than "
            + Durations.format(context.threshold()) + " after its creation at "
            + ingress.getMetadata().getCreationTimestamp() + " (class " + ingressClass.orElse("<none>") + ").")
        .cause("The ingress controller that handles an Ingress writes status.loadBalancer.ingress. "
            + whoHandles(ingressClass) + " A controller that does handle it still leaves the address empty when "
            + "it publishes none: ingress-nginx copies the address of the Service named by its --publish-service "
            + "flag, which stays empty while that LoadBalancer Service is <pending>, or takes "
            + "--publish-status-address; NGINX Inc's controller needs -report-ingress-status and "
            + "external-status-address in its ConfigMap.")
        .remediation("kubectl get ingressclass shows the classes and their controllers; make sure a controller "
            + "for " + ingressClass.map(c -> "class " + c).orElse("this Ingress") + " runs (for ingress-nginx: "
            + "kubectl get pods -A -l app.kubernetes.io/name=ingress-nginx) and read its logs for " + namespace
            + "/" + name + "; kubectl -n " + namespace + " describe ingress " + name + " shows its events. If traffic "
            + "already reaches the controller through a NodePort or hostNetwork, the empty address is only "
            + "cosmetic, but tools that read it (external-dns, Argo CD health checks) keep waiting: have the "
            + "controller publish its address (a LoadBalancer Service that gets one, or --publish-status-address).")
        .build());
  }

  private static boolean hasAddress(Ingress ingress) {
    return Optional.ofNullable(ingress.getStatus()).map(IngressStatus::getLoadBalancer)
        .map(IngressLoadBalancerStatus::getIngress).filter(addresses -> !addresses.isEmpty()).isPresent();
  }

  private static Optional<String> ingressClass(Ingress ingress) {
    if (ingress.getSpec() != null && ingress.getSpec().getIngressClassName() != null) {
      return Optional.of(ingress.getSpec().getIngressClassName());
    }
    Map<String, String> annotations = ingress.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(CLASS_ANNOTATION));
  }

  private static String whoHandles(Optional<String> ingressClass) {
    return ingressClass
        .map(c -> "Only a controller for class " + c + " handles this Ingress; if none runs, nothing serves its "
            + "hosts at all.")
        .orElse("It names no class, so only a controller whose IngressClass is marked default (annotation "
            + "ingressclass.kubernetes.io/is-default-class: \"true\") or one told to watch Ingresses without a "
            + "class handles it.");
  }
}
