package io.clusterdoc.input;

import io.clusterdoc.cluster.ContainerLog;
import io.clusterdoc.engine.LogReader;
import io.clusterdoc.engine.Rule;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads the end of a container's previous run, for the rules that ask for it ({@link LogReader}). */
public final class PodLogs {
  /** Said once, where findings are reported, when the credentials may not read logs. */
  public static final String FORBIDDEN = "container logs cannot be read: the credentials lack 'get' on pods/log";
  private static final int TAIL_LINES = 200;

  /** A fetched log, nothing (no previous run, pod gone), or a refusal for lack of permission. */
  public record Fetched(Optional<ContainerLog> log, boolean forbidden) {
  }

  private final KubernetesClient client;

  public PodLogs(KubernetesClient client) {
    this.client = client;
  }

  /** The rules that read logs; picked once, since the question is asked on every pod change. */
  public static List<LogReader> readers(Collection<Rule> rules) {
    return rules.stream().filter(LogReader.class::isInstance).map(LogReader.class::cast).toList();
  }

  /** The containers of this pod whose log one of these readers needs now. */
  public static Set<String> wanted(Pod pod, Collection<LogReader> readers) {
    Set<String> containers = new LinkedHashSet<>();
    readers.forEach(reader -> containers.addAll(reader.containersToRead(pod)));
    return containers;
  }

  public Fetched previous(Pod pod, String container) {
    String namespace = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    try {
      String text = client.pods().inNamespace(namespace).withName(name).inContainer(container).terminated()
          .tailingLines(TAIL_LINES).getLog();
      return new Fetched(Optional.ofNullable(text).map(t -> new ContainerLog(namespace, name, container, t)), false);
    } catch (KubernetesClientException e) {
      return new Fetched(Optional.empty(), e.getCode() == HttpURLConnection.HTTP_FORBIDDEN);
    }
  }
}
