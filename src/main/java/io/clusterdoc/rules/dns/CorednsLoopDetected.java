package io.clusterdoc.rules.dns;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.LogReader;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CoreDNS crash-loops because its loop plugin found that queries it forwards upstream come back to itself: the
 * node's resolv.conf names a loopback resolver. Only the container's log says so, so this rule reads it.
 */
public final class CorednsLoopDetected extends ObjectRule<Pod> implements LogReader {
  public static final String ID = "coredns-loop-detected";

  private static final Pattern LOOP = Pattern.compile("Loop \\(([^)]*)\\) detected for zone \"([^\"]*)\"[^\\n]*");

  public CorednsLoopDetected() {
    super(ID, Severity.CRITICAL,
        "CoreDNS crash-loops because it forwards queries to itself (Loop ... detected for zone \".\")", Pod.class);
  }

  @Override
  public Set<String> containersToRead(Pod pod) {
    Set<String> containers = new LinkedHashSet<>();
    if (CorednsNotReady.isDnsPod(pod)) {
      crashLooping(pod).forEach(status -> containers.add(status.getName()));
    }
    return containers;
  }

  @Override
  protected List<Finding> check(Pod pod, ClusterView view, RuleContext context) {
    if (!CorednsNotReady.isDnsPod(pod)) {
      return List.of();
    }
    return crashLooping(pod)
        .flatMap(status -> view.containerLog(pod, status.getName()).flatMap(CorednsLoopDetected::loopLine).stream()
            .map(line -> finding(pod, status, line)))
        .findFirst()
        .map(List::of)
        .orElse(List.of());
  }

  private Finding finding(Pod pod, ContainerStatus status, Matcher loop) {
    String node = pod.getSpec() == null || pod.getSpec().getNodeName() == null ? "its node" : pod.getSpec().getNodeName();
    return finding(pod)
        .message("CoreDNS pod kube-system/" + pod.getMetadata().getName() + " on " + node + " crash-loops: its log says "
            + loop.group() + ".")
        .cause("CoreDNS forwards the queries it cannot answer to the resolvers in /etc/resolv.conf (forward . "
            + "/etc/resolv.conf), which it takes from the node. When that file names a loopback resolver "
            + "(127.0.0.53 of systemd-resolved, 127.0.0.1 of a local dnsmasq), the query comes back to CoreDNS "
            + "itself (" + loop.group(1) + "); the loop plugin detects it and stops CoreDNS, which then crash-loops "
            + "with " + status.getRestartCount() + " restarts so far.")
        .remediation("Give CoreDNS a real upstream: set the kubelet's resolvConf to the file with the real "
            + "nameservers (on systemd-resolved nodes /run/systemd/resolve/resolv.conf) and restart the kubelet and "
            + "the CoreDNS pods, or change the Corefile's forward line to reachable resolvers (kubectl -n kube-system "
            + "edit configmap coredns: forward . 10.0.0.2 10.0.0.3). Check with cat /etc/resolv.conf on " + node + ". "
            + "Do not remove the loop plugin: queries would then circle until they time out and CoreDNS runs out of "
            + "memory.")
        .build();
  }

  private static Stream<ContainerStatus> crashLooping(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Stream.empty();
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null
            && "CrashLoopBackOff".equals(s.getState().getWaiting().getReason()));
  }

  private static Optional<Matcher> loopLine(String log) {
    Matcher matcher = LOOP.matcher(log);
    return matcher.find() ? Optional.of(matcher) : Optional.empty();
  }
}
