package io.clusterdoc.rules.dns;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.ClusterRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The cluster DNS does not answer: CoreDNS pods run but are not Ready, or the kube-dns Service has no ready endpoint
 * or no pods at all. Every lookup of a Service name then fails with "Temporary failure in name resolution".
 */
public final class CorednsNotReady extends ClusterRule {
  public static final String ID = "coredns-not-ready";

  private static final String NAMESPACE = "kube-system";
  private static final String SERVICE_NAME = "kube-dns";
  private static final String COREDNS_NAME = "coredns";
  private static final String DNS_LABEL = "k8s-app";
  private static final String KUBE_DNS = Keys.of(NAMESPACE, SERVICE_NAME);
  private static final int READY_PLUGIN_PORT = 8181;
  private static final String READY_PLUGIN_PATH = "/ready";
  private static final String LOGS = "kubectl -n kube-system logs -l k8s-app=kube-dns";

  /** What one finding tells: why, as far as the objects show, and what to do about it. */
  private record Explanation(String cause, String remediation) {
  }

  /** Why a Running CoreDNS pod is not Ready, from its probe, the Corefile and the kubelet's probe events. */
  private enum NotReadyCause {
    READY_PLUGIN_MISSING(
        "Its readiness probe asks http://:8181/ready, but the Corefile in ConfigMap kube-system/coredns has no `ready` "
            + "line: the ready plugin is what serves port 8181, so the probe can never pass.",
        "Add a line `ready` inside the `.:53 { }` block of the Corefile, next to `health` (kubectl -n kube-system edit "
            + "configmap coredns). CoreDNS reloads the Corefile by itself when it has the `reload` plugin, once the "
            + "kubelet has refreshed the mounted ConfigMap (a minute or two); without `reload` run kubectl -n "
            + "kube-system rollout restart deployment coredns. Check the edit: a Corefile that does not parse is "
            + "ignored by `reload` and makes CoreDNS crash at its next start."),
    PLUGIN_NOT_READY(
        "HTTP 503 from /ready means the ready plugin runs but another plugin has not reported ready, usually the "
            + "kubernetes plugin that cannot reach the API server (the logs say plugin/ready: Still waiting on: "
            + "\"kubernetes\" and dial tcp <API service IP>:443: i/o timeout or no route to host). After a node reboot "
            + "this is typically the node's iptables rules: the host firewall's REJECT rules are back ahead of the "
            + "Kubernetes chains, or kube-proxy's rules are missing.",
        "Read " + LOGS + ". If CoreDNS cannot reach the API server, look at the node's rules (iptables-save | grep -E "
            + "'REJECT|KUBE-SVC') and restart kube-proxy there (kubectl -n kube-system delete pod -l k8s-app=kube-proxy "
            + "--field-selector spec.nodeName={node}) so it rewrites its rules. Flushing all rules (stop kubelet and the "
            + "container runtime, iptables --flush, iptables -t nat --flush, start them) also deletes the host "
            + "firewall: do it only on that node, from a console, and disable the service that restores the REJECT "
            + "rules at boot (iptables.service, firewalld) rather than saving kube-proxy's rules for the next boot."),
    PROBE_REFUSED(
        "Connection refused means nothing listens on the probe's port: the Corefile CoreDNS runs has no `ready` plugin, "
            + "or CoreDNS has not started listening (a Corefile error shows in its logs).",
        "Read " + LOGS + ". Make sure the Corefile has a `ready` line and that the readiness probe uses the ready "
            + "plugin's port (8181 unless the Corefile says `ready :PORT`)."),
    UNEXPLAINED(
        "",
        "Read " + LOGS + "; the events of the pod show which probe fails and why.");

    private final String explanation;
    private final String remediation;

    NotReadyCause(String explanation, String remediation) {
      this.explanation = explanation;
      this.remediation = remediation;
    }

    static NotReadyCause of(boolean readyPluginMissing, Optional<Event> probeFailure) {
      String message = probeFailure.map(Event::getMessage).orElse("");
      if (readyPluginMissing) {
        return READY_PLUGIN_MISSING;
      }
      if (message.contains("statuscode: 503")) {
        return PLUGIN_NOT_READY;
      }
      return message.contains("connection refused") ? PROBE_REFUSED : UNEXPLAINED;
    }
  }

  public CorednsNotReady() {
    super(ID, Severity.CRITICAL,
        "CoreDNS pods are not Ready or the kube-dns Service has no ready endpoint: name resolution fails", null,
        Kind.POD, Kind.SERVICE, Kind.ENDPOINTS, Kind.CONFIG_MAP, Kind.DEPLOYMENT, Kind.EVENT);
  }

  @Override
  protected boolean concerns(HasMetadata changed, ClusterView view) {
    return concernsDns(changed, view);
  }

  @Override
  protected List<Finding> check(ClusterView view, RuleContext context) {
    List<Pod> dnsPods = dnsPods(view);
    Optional<ConfigMap> corefileWithoutReady = view.get(ConfigMap.class, NAMESPACE, COREDNS_NAME)
        .filter(CorednsNotReady::lacksReadyPlugin);
    List<Finding> findings = new ArrayList<>();
    dnsPods.stream()
        .filter(CorednsNotReady::isRunningButNotReady)
        .map(pod -> notReady(pod, corefileWithoutReady, view))
        .forEach(findings::add);
    // Without the Service in view (an offline scan of other namespaces) nothing says the cluster lacks DNS.
    view.get(Service.class, KUBE_DNS).flatMap(service -> serviceFinding(service, dnsPods, view))
        .ifPresent(findings::add);
    return findings;
  }

  /** Runs for every pod and event change in the cluster: decide from the object itself and one lookup at most. */
  private static boolean concernsDns(HasMetadata changed, ClusterView view) {
    if (changed instanceof Event event) {
      return isWarningAboutDnsPod(event, view);
    }
    if (!NAMESPACE.equals(changed.getMetadata().getNamespace())) {
      return false;
    }
    String name = changed.getMetadata().getName();
    if (changed instanceof Pod pod) {
      return isDnsPod(pod);
    }
    if (changed instanceof Service || changed instanceof Endpoints) {
      return SERVICE_NAME.equals(name);
    }
    return (changed instanceof ConfigMap || changed instanceof Deployment) && COREDNS_NAME.equals(name);
  }

  private static boolean isWarningAboutDnsPod(Event event, ClusterView view) {
    ObjectReference about = event.getInvolvedObject();
    return "Warning".equals(event.getType()) && about != null && "Pod".equals(about.getKind())
        && NAMESPACE.equals(about.getNamespace()) && about.getName() != null
        && view.get(Pod.class, NAMESPACE, about.getName()).map(CorednsNotReady::isDnsPod).orElse(false);
  }

  /**
   * The cluster DNS pods: kube-system, labelled k8s-app=kube-dns (CoreDNS keeps kube-dns's label). Other rules
   * leave them to this one, which says what their state means for the whole cluster.
   */
  public static boolean isDnsPod(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    return NAMESPACE.equals(pod.getMetadata().getNamespace()) && labels != null
        && SERVICE_NAME.equals(labels.get(DNS_LABEL));
  }

  private static List<Pod> dnsPods(ClusterView view) {
    return view.podsInNamespace(NAMESPACE).stream()
        .filter(CorednsNotReady::isDnsPod)
        .sorted(Comparator.comparing(pod -> pod.getMetadata().getName()))
        .toList();
  }

  // A pod being deleted turns unready on purpose (rollouts, scale-down): that is not a DNS failure.
  private static boolean isRunningButNotReady(Pod pod) {
    return pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
        && pod.getMetadata().getDeletionTimestamp() == null && !isReady(pod);
  }

  private static boolean isReady(Pod pod) {
    return readyCondition(pod).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  private static Optional<PodCondition> readyCondition(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream().filter(c -> "Ready".equals(c.getType())).findFirst();
  }

  private Finding notReady(Pod pod, Optional<ConfigMap> corefileWithoutReady, ClusterView view) {
    boolean readyPluginMissing = corefileWithoutReady.isPresent() && probesReadyPlugin(pod);
    Optional<Event> probeFailure = latestUnhealthyEvent(pod, view);
    NotReadyCause cause = NotReadyCause.of(readyPluginMissing, probeFailure);
    String name = pod.getMetadata().getName();
    Finding.Builder finding = findingOn(pod)
        .message("CoreDNS pod kube-system/" + name + onNode(pod)
            + " is Running but not Ready, so the kube-dns Service sends it no queries.")
        .cause(joined(cause.explanation, evidence(pod, probeFailure)))
        .remediation(cause.remediation.replace("{node}", nodeName(pod).orElse("NODE"))
            + " Then kubectl -n kube-system describe pod " + name + " shows whether the readiness probe passes.");
    if (readyPluginMissing) {
      finding.related(ObjectRef.of(corefileWithoutReady.get()));
    }
    return finding.build();
  }

  private static String onNode(Pod pod) {
    return nodeName(pod).map(node -> " on node " + node).orElse("");
  }

  private static Optional<String> nodeName(Pod pod) {
    return Optional.ofNullable(pod.getSpec()).map(PodSpec::getNodeName);
  }

  /** The kubelet's own words for the failure, else the Ready condition. */
  private static String evidence(Pod pod, Optional<Event> probeFailure) {
    if (probeFailure.isPresent()) {
      Event event = probeFailure.get();
      String times = event.getCount() != null && event.getCount() > 1 ? " (" + event.getCount() + " times)" : "";
      return "Latest Unhealthy event: \"" + event.getMessage() + "\"" + times + ".";
    }
    String condition = readyCondition(pod)
        .map(c -> Objects.requireNonNullElse(c.getReason(), "Ready=" + c.getStatus())
            + (c.getMessage() == null ? "" : " (" + c.getMessage() + ")"))
        .orElse("no Ready condition");
    return "Ready condition: " + condition + "; no Unhealthy event is in view.";
  }

  private static Optional<Event> latestUnhealthyEvent(Pod pod, ClusterView view) {
    List<Event> unhealthy = view.warningEventsAbout(pod).stream()
        .filter(e -> "Unhealthy".equals(e.getReason()) && e.getMessage() != null)
        .toList();
    return unhealthy.isEmpty() ? Optional.empty() : Optional.of(unhealthy.get(unhealthy.size() - 1));
  }

  private static boolean probesReadyPlugin(Pod pod) {
    List<Container> containers = pod.getSpec() == null ? null : pod.getSpec().getContainers();
    return containers != null && containers.stream()
        .map(c -> c.getReadinessProbe() == null ? null : c.getReadinessProbe().getHttpGet())
        .filter(Objects::nonNull)
        .anyMatch(CorednsNotReady::isReadyPluginEndpoint);
  }

  private static boolean isReadyPluginEndpoint(HTTPGetAction get) {
    return get.getPort() != null && Integer.valueOf(READY_PLUGIN_PORT).equals(get.getPort().getIntVal())
        && READY_PLUGIN_PATH.equals(get.getPath());
  }

  /** Only a Corefile we can read counts as lacking the plugin; a missing key says nothing. */
  private static boolean lacksReadyPlugin(ConfigMap configMap) {
    String corefile = configMap.getData() == null ? null : configMap.getData().get("Corefile");
    return corefile != null && corefile.lines().noneMatch(CorednsNotReady::isReadyDirective);
  }

  // A directive is the first word of a line: "ready", "ready :8181", "ready {".
  private static boolean isReadyDirective(String line) {
    String code = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
    String[] words = code.trim().split("[\\s{]+", 2);
    return words[0].equals("ready");
  }

  private Optional<Finding> serviceFinding(Service service, List<Pod> dnsPods, ClusterView view) {
    if (dnsPods.isEmpty()) {
      return Optional.of(noDnsPods(service, view));
    }
    return endpointsGap(view).map(gap -> noReadyEndpoint(service, gap, dnsPods));
  }

  /** Why the Endpoints list no ready address; empty when at least one address is ready. */
  private static Optional<String> endpointsGap(ClusterView view) {
    Optional<Endpoints> endpoints = view.get(Endpoints.class, KUBE_DNS);
    if (endpoints.isEmpty()) {
      return Optional.of("There is no Endpoints object kube-system/kube-dns (a scan of files needs it too: kubectl -n "
          + "kube-system get endpoints kube-dns -o yaml).");
    }
    List<EndpointSubset> subsets = Objects.requireNonNullElse(endpoints.get().getSubsets(), List.of());
    if (subsets.stream().anyMatch(s -> s.getAddresses() != null && !s.getAddresses().isEmpty())) {
      return Optional.empty();
    }
    int notReady = subsets.stream()
        .mapToInt(s -> s.getNotReadyAddresses() == null ? 0 : s.getNotReadyAddresses().size())
        .sum();
    return Optional.of(notReady == 0
        ? "Endpoints kube-system/kube-dns lists no address."
        : "Endpoints kube-system/kube-dns lists its " + notReady + " address(es) only under notReadyAddresses.");
  }

  private Finding noReadyEndpoint(Service service, String gap, List<Pod> dnsPods) {
    return findingOn(service)
        .message("Service kube-system/kube-dns" + clusterIp(service)
            + " has no ready endpoint, so every DNS query from pods fails.")
        .cause(gap + " " + podsState(dnsPods))
        .remediation("Make the CoreDNS pods Ready (see the coredns-not-ready findings on each pod and " + LOGS
            + "); the endpoints controller lists a pod as soon as it is Ready: kubectl -n kube-system get endpoints "
            + "kube-dns. Meanwhile lookups fail with \"Temporary failure in name resolution\"; only names in a pod's "
            + "/etc/hosts still resolve.")
        .related(dnsPods.stream().map(ObjectRef::of).toList())
        .build();
  }

  private static String podsState(List<Pod> dnsPods) {
    List<Pod> notReady = dnsPods.stream().filter(pod -> !isReady(pod)).toList();
    if (notReady.isEmpty()) {
      return "All " + dnsPods.size() + " CoreDNS pods are Ready, yet none is listed: the Service selector does not "
          + "match their labels, or kube-controller-manager, which maintains Endpoints, is not working.";
    }
    return notReady.size() + " of " + dnsPods.size() + " CoreDNS pods are not Ready: " + notReady.stream()
        .map(pod -> pod.getMetadata().getName() + " (" + phase(pod) + ")")
        .collect(Collectors.joining(", ")) + ".";
  }

  private static String phase(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getPhase() == null ? "no status" : pod.getStatus().getPhase();
  }

  private Finding noDnsPods(Service service, ClusterView view) {
    Optional<Deployment> deployment = view.get(Deployment.class, NAMESPACE, COREDNS_NAME);
    Explanation why = deployment.map(CorednsNotReady::withoutPods).orElse(new Explanation(
        "There is no Deployment kube-system/coredns either: the DNS add-on was removed, or it runs under other names "
            + "or labels than the Service selects.",
        "Reinstall the DNS add-on the way the cluster was built (kubeadm: kubeadm init phase addon coredns with the "
            + "cluster's kubeadm configuration), or make the DNS pods carry the label the Service selects."));
    Finding.Builder finding = findingOn(service)
        .message("Service kube-system/kube-dns" + clusterIp(service)
            + " exists but no CoreDNS pod (label k8s-app=kube-dns) runs in kube-system, so cluster DNS does not "
            + "answer.")
        .cause(why.cause())
        .remediation(why.remediation());
    deployment.map(ObjectRef::of).ifPresent(finding::related);
    return finding.build();
  }

  private static Explanation withoutPods(Deployment deployment) {
    int replicas = deployment.getSpec() == null || deployment.getSpec().getReplicas() == null
        ? 1 : deployment.getSpec().getReplicas();
    if (replicas == 0) {
      return new Explanation("Deployment kube-system/coredns is scaled to 0 replicas.",
          "kubectl -n kube-system scale deployment coredns --replicas=2, then find out what scaled it down: an "
              + "autoscaler or a GitOps tool may do it again.");
    }
    return new Explanation("Deployment kube-system/coredns wants " + replicas + " replica(s) but none exists"
        + replicaFailure(deployment) + ".",
        "kubectl -n kube-system describe deployment coredns and kubectl -n kube-system get events --field-selector "
            + "type=Warning show why its ReplicaSet creates no pods (quota, admission webhook, PodSecurity, missing "
            + "ServiceAccount).");
  }

  private static String replicaFailure(Deployment deployment) {
    List<DeploymentCondition> conditions = deployment.getStatus() == null ? null
        : deployment.getStatus().getConditions();
    return conditions == null ? "" : conditions.stream()
        .filter(c -> "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus()) && c.getMessage() != null)
        .map(c -> ": " + c.getMessage())
        .findFirst()
        .orElse("");
  }

  private Finding.Builder findingOn(HasMetadata object) {
    return finding(ObjectRef.of(object));
  }

  private static String clusterIp(Service service) {
    String ip = service.getSpec() == null ? null : service.getSpec().getClusterIP();
    return ip == null || ip.isEmpty() || "None".equals(ip) ? "" : " (" + ip + ")";
  }

  private static String joined(String first, String second) {
    return first.isEmpty() ? second : first + " " + second;
  }
}
