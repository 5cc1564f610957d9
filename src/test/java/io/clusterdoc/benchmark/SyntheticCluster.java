package io.clusterdoc.benchmark;

import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateWaitingBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A synthetic cluster generated from the object templates stored beside this class (as {@code kubectl get -o yaml}
 * prints them): every object is rendered to JSON and deserialised with the fabric8 client, as an informer would
 * receive it. Deterministic: object {@code i} is the same in every run.
 *
 * <p>Shape: 10 replicas per Deployment (one Service and one Endpoints each), about 30 pods per node, one namespace
 * per 300 pods (500 at 150,000 pods). About 96.5% of pods are healthy and Running; the rest crash-loop, cannot be
 * scheduled, were evicted or are not ready. One node in 100 is NotReady and one in 100 under memory or disk pressure.
 */
public final class SyntheticCluster {
  static final int REPLICAS = 10;
  static final int PODS_PER_NAMESPACE = 300;
  static final int MAX_NAMESPACES = 500;
  private static final Instant NEWEST_POD_CREATED = Instant.parse("2026-11-20T07:15:02Z");

  /** What a pod of the mix is doing. */
  public enum PodState { HEALTHY, CRASH_LOOPING, UNSCHEDULABLE, EVICTED, NOT_READY }

  private final KubernetesSerialization serialization = new KubernetesSerialization();
  private final int pods;
  private final int nodes;
  private final int namespaces;
  private final Template pod;
  private final Template node;
  private final Template namespace;
  private final Template service;
  private final Template endpoints;

  public SyntheticCluster(int pods, int nodes) {
    if (pods < 1 || nodes < 1) {
      throw new IllegalArgumentException("a cluster needs at least one pod and one node");
    }
    this.pods = pods;
    this.nodes = nodes;
    this.namespaces = Math.max(1, Math.min(MAX_NAMESPACES, pods / PODS_PER_NAMESPACE));
    this.pod = template("pod.yaml");
    this.node = template("node.yaml");
    this.namespace = template("namespace.yaml");
    this.service = template("service.yaml");
    this.endpoints = template("endpoints.yaml");
  }

  public int pods() {
    return pods;
  }

  public int nodes() {
    return nodes;
  }

  public int namespaces() {
    return namespaces;
  }

  public int deployments() {
    return (pods + REPLICAS - 1) / REPLICAS;
  }

  public KubernetesSerialization serialization() {
    return serialization;
  }

  /** The state of pod {@code i} in the mix. */
  public static PodState state(int i) {
    return switch (i % 200) {
      case 7, 107 -> PodState.CRASH_LOOPING;
      case 37, 137 -> PodState.UNSCHEDULABLE;
      case 67, 167 -> PodState.EVICTED;
      case 97 -> PodState.NOT_READY;
      default -> PodState.HEALTHY;
    };
  }

  public String podNamespace(int i) {
    return namespaceName(deployment(i) % namespaces);
  }

  public String podName(int i) {
    return appName(deployment(i)) + "-" + hash(deployment(i)) + "-" + suffix(i);
  }

  /** Pod {@code i} as the API server returns it (kubectl get pod -o json), before any state from the mix. */
  public String podJson(int i) {
    int d = deployment(i);
    String nodeName = nodeName(i % nodes);
    return pod.render(token -> switch (token) {
      case "NAME" -> podName(i);
      case "NS" -> podNamespace(i);
      case "APP" -> appName(d);
      case "HASH" -> hash(d);
      case "RSUID" -> uid(2, d);
      case "UID" -> uid(1, i);
      case "RV" -> Integer.toString(100_000 + i);
      case "SUFFIX" -> suffix(i);
      case "NODE" -> nodeName;
      case "PODIP" -> podIp(i);
      case "HOSTIP" -> nodeIp(i % nodes);
      case "CID1" -> containerId(i, 1);
      case "CID2" -> containerId(i, 2);
      case "CREATED" -> podTime(i, 0);
      case "SANDBOXED" -> podTime(i, 3);
      case "PROXYSTARTED" -> podTime(i, 4);
      case "APPSTARTED" -> podTime(i, 10);
      case "READY" -> podTime(i, 39);
      default -> throw new IllegalStateException("unknown token " + token);
    });
  }

  /**
   * A moment in pod {@code i}'s start, {@code seconds} after its creation. Pods are created 17 s apart, over the
   * 30 days before the newest (at 150,000 pods), so their timestamps differ as in a real cluster; within one pod
   * the same second recurs (created, scheduled, initialized, started), as the API server reports it.
   */
  private static String podTime(int i, int seconds) {
    return NEWEST_POD_CREATED.minusSeconds(17L * i).plusSeconds(seconds).toString();
  }

  /** Pod {@code i} deserialised from its JSON, in its state from the mix. */
  public Pod pod(int i) {
    Pod p = serialization.unmarshal(podJson(i), Pod.class);
    return inState(p, state(i));
  }

  /** Pod {@code i} deserialised from its JSON, healthy whatever the mix says. */
  public Pod healthyPod(int i) {
    return serialization.unmarshal(podJson(i), Pod.class);
  }

  /** Pod {@code i} deserialised from its JSON, with its app container in CrashLoopBackOff. */
  public Pod crashLoopingPod(int i) {
    return inState(healthyPod(i), PodState.CRASH_LOOPING);
  }

  public Node node(int j) {
    Node n = serialization.unmarshal(node.render(token -> switch (token) {
      case "NAME" -> nodeName(j);
      case "UID" -> uid(3, j);
      case "RV" -> Integer.toString(50_000 + j);
      case "SUFFIX" -> String.format("%017x", 0x0abcdef000000L + j);
      case "ZONE" -> "eu-west-1" + (char) ('a' + j % 3);
      case "PODCIDR" -> "10." + (64 + j / 256 % 64) + "." + (j % 256) + ".0/24";
      case "HOSTIP" -> nodeIp(j);
      default -> throw new IllegalStateException("unknown token " + token);
    }), Node.class);
    if (j % 100 == 50) {
      condition(n, j % 200 == 50 ? "MemoryPressure" : "DiskPressure", "True",
          j % 200 == 50 ? "KubeletHasInsufficientMemory" : "KubeletHasDiskPressure", "kubelet has pressure");
    } else if (j % 100 == 99) {
      condition(n, "Ready", "Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.");
    }
    return n;
  }

  public Namespace namespace(int k) {
    return serialization.unmarshal(namespace.render(token -> switch (token) {
      case "NAME" -> namespaceName(k);
      case "UID" -> uid(4, k);
      case "RV" -> Integer.toString(10_000 + k);
      case "TEAM" -> Integer.toString(k % 40);
      default -> throw new IllegalStateException("unknown token " + token);
    }), Namespace.class);
  }

  public Service service(int d) {
    return serialization.unmarshal(service.render(token -> switch (token) {
      case "APP" -> appName(d);
      case "NS" -> namespaceName(d % namespaces);
      case "UID" -> uid(5, d);
      case "RV" -> Integer.toString(20_000 + d);
      case "CLUSTERIP" -> "172.20." + (d / 250 % 250) + "." + (d % 250 + 1);
      default -> throw new IllegalStateException("unknown token " + token);
    }), Service.class);
  }

  /** The Endpoints of Deployment {@code d}'s Service: its ready pods' addresses. */
  public Endpoints endpoints(int d) {
    Endpoints e = serialization.unmarshal(endpoints.render(token -> switch (token) {
      case "APP" -> appName(d);
      case "NS" -> namespaceName(d % namespaces);
      case "UID" -> uid(6, d);
      case "RV" -> Integer.toString(30_000 + d);
      default -> throw new IllegalStateException("unknown token " + token);
    }), Endpoints.class);
    for (int i = d * REPLICAS; i < Math.min(pods, (d + 1) * REPLICAS); i++) {
      if (state(i) == PodState.HEALTHY) {
        e.getSubsets().get(0).getAddresses().add(new EndpointAddressBuilder().withIp(podIp(i))
            .withNodeName(nodeName(i % nodes)).withNewTargetRef().withKind("Pod").withName(podName(i))
            .withNamespace(podNamespace(i)).withUid(uid(1, i)).endTargetRef().build());
      }
    }
    return e;
  }

  /** Every object: namespaces, nodes, Services, Endpoints, then pods. */
  public void forEachObject(Consumer<HasMetadata> sink) {
    for (int k = 0; k < namespaces; k++) {
      sink.accept(namespace(k));
    }
    for (int j = 0; j < nodes; j++) {
      sink.accept(node(j));
    }
    for (int d = 0; d < deployments(); d++) {
      sink.accept(service(d));
      sink.accept(endpoints(d));
    }
    for (int i = 0; i < pods; i++) {
      sink.accept(pod(i));
    }
  }

  /** Indexes of pods that are healthy in the mix, spread over the cluster. */
  public List<Integer> healthyPods(int count) {
    List<Integer> chosen = new ArrayList<>();
    int stride = Math.max(1, pods / Math.max(1, count));
    for (int i = 0; chosen.size() < count && i < pods * 2; i++) {
      int index = (int) ((long) i * stride % pods) + (i * stride / pods);
      if (index < pods && state(index) == PodState.HEALTHY && !chosen.contains(index)) {
        chosen.add(index);
      }
    }
    return chosen;
  }

  private static Pod inState(Pod p, PodState state) {
    switch (state) {
      case HEALTHY -> {
      }
      case CRASH_LOOPING -> {
        ContainerStatus app = p.getStatus().getContainerStatuses().get(0);
        app.setReady(false);
        app.setStarted(false);
        app.setRestartCount(14);
        app.setState(new io.fabric8.kubernetes.api.model.ContainerStateBuilder().withWaiting(
            new ContainerStateWaitingBuilder().withReason("CrashLoopBackOff").withMessage(
                "back-off 5m0s restarting failed container=app pod=" + p.getMetadata().getName()).build()).build());
        app.setLastState(new io.fabric8.kubernetes.api.model.ContainerStateBuilder().withTerminated(
            new ContainerStateTerminatedBuilder().withExitCode(1).withReason("Error")
                .withStartedAt("2026-11-23T09:40:02Z").withFinishedAt("2026-11-23T09:40:09Z").build()).build());
        notReady(p, "containers with unready status: [app]");
      }
      case NOT_READY -> {
        p.getStatus().getContainerStatuses().get(0).setReady(false);
        notReady(p, "containers with unready status: [app]");
      }
      case UNSCHEDULABLE -> {
        p.getSpec().setNodeName(null);
        p.getStatus().setContainerStatuses(null);
        p.getStatus().setHostIP(null);
        p.getStatus().setHostIPs(null);
        p.getStatus().setPodIP(null);
        p.getStatus().setPodIPs(null);
        p.getStatus().setStartTime(null);
        p.getStatus().setPhase("Pending");
        p.getStatus().setConditions(new ArrayList<>(List.of(new PodConditionBuilder().withType("PodScheduled")
            .withStatus("False").withReason("Unschedulable").withLastTransitionTime("2026-11-20T07:15:02Z")
            .withMessage("0/5000 nodes are available: 4800 Insufficient memory, 200 node(s) had untolerated taint "
                + "{node.kubernetes.io/not-ready: }. preemption: 0/5000 nodes are available: 5000 No preemption "
                + "victims found for incoming pod.").build())));
      }
      case EVICTED -> {
        p.getStatus().setPhase("Failed");
        p.getStatus().setReason("Evicted");
        p.getStatus().setMessage("The node was low on resource: memory. Threshold quantity: 100Mi, available: 91344Ki. "
            + "Container app was using 702144Ki, request is 512Mi, has larger consumption of memory.");
        p.getStatus().getContainerStatuses().forEach(s -> {
          s.setReady(false);
          s.setStarted(false);
          s.setState(new io.fabric8.kubernetes.api.model.ContainerStateBuilder().withTerminated(
              new ContainerStateTerminatedBuilder().withExitCode(137).withReason("ContainerStatusUnknown")
                  .withFinishedAt("2026-11-22T03:10:00Z").build()).build());
        });
        notReady(p, "PodFailed");
      }
    }
    return p;
  }

  private static void notReady(Pod p, String message) {
    for (PodCondition c : p.getStatus().getConditions()) {
      if ("Ready".equals(c.getType()) || "ContainersReady".equals(c.getType())) {
        c.setStatus("False");
        c.setReason("ContainersNotReady");
        c.setMessage(message);
        c.setLastTransitionTime("2026-11-23T08:00:00Z");
      }
    }
  }

  private static void condition(Node n, String type, String status, String reason, String message) {
    for (NodeCondition c : n.getStatus().getConditions()) {
      if (type.equals(c.getType())) {
        c.setStatus(status);
        c.setReason(reason);
        c.setMessage(message);
        c.setLastTransitionTime("2026-11-23T08:00:00Z");
      }
    }
  }

  private static int deployment(int i) {
    return i / REPLICAS;
  }

  static String appName(int d) {
    return "svc-" + d;
  }

  static String namespaceName(int k) {
    return "team-" + k;
  }

  static String nodeName(int j) {
    return "ip-10-0-" + (j / 250) + "-" + (j % 250) + ".eu-west-1.compute.internal";
  }

  private static String nodeIp(int j) {
    return "10.0." + (j / 250 % 250) + "." + (j % 250 + 1);
  }

  private static String podIp(int i) {
    return "10." + (64 + i / 65_536 % 64) + "." + (i / 256 % 256) + "." + (i % 256);
  }

  private static String hash(int d) {
    return String.format("%010x", (d + 1) * 2_654_435_761L & 0xff_ffff_ffffL);
  }

  private static String suffix(int i) {
    String s = Integer.toString(i * 7919 + 12345, 36);
    return (s + "x2k9q").substring(0, 5);
  }

  private static String uid(int kind, int i) {
    return new UUID(0x5a1e_0000_0000_4000L | (long) kind << 16, 0x8000_0000_0000_0000L | i).toString();
  }

  private static String containerId(int i, int container) {
    return String.format("%056x%08x", (long) i * 0x9e3779b97f4aL + container, i);
  }

  private Template template(String name) {
    try (InputStream in = SyntheticCluster.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("template " + name + " is missing");
      }
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      // YAML to the JSON the API server sends: parsed generically so no field is dropped or defaulted
      GenericKubernetesResource generic = serialization.unmarshal(yaml, GenericKubernetesResource.class);
      return new Template(serialization.asJson(generic));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JSON text with __TOKEN__ placeholders, split once so each rendering is one pass. */
  static final class Template {
    private static final Pattern TOKEN = Pattern.compile("__([A-Z0-9]+)__");
    private final List<String> parts = new ArrayList<>();
    private final List<String> tokens = new ArrayList<>();
    private final int length;

    Template(String text) {
      Matcher m = TOKEN.matcher(text);
      int at = 0;
      while (m.find()) {
        parts.add(text.substring(at, m.start()));
        tokens.add(m.group(1));
        at = m.end();
      }
      parts.add(text.substring(at));
      length = text.length();
    }

    String render(java.util.function.Function<String, String> values) {
      StringBuilder out = new StringBuilder(length + 512);
      for (int k = 0; k < tokens.size(); k++) {
        out.append(parts.get(k)).append(values.apply(tokens.get(k)));
      }
      return out.append(parts.get(parts.size() - 1)).toString();
    }
  }
}
