package io.clusterdoc.operator;

import io.clusterdoc.engine.LogReader;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.input.PodLogs;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the previous run's log of the containers rules ask for, once per restart, on its own thread so a slow
 * kubelet never delays evaluation. Called from the evaluation thread only.
 */
final class LogFetcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogFetcher.class);

  private final PodLogs logs;
  private final List<LogReader> readers;
  private final ExecutorService fetcher = Executors.newSingleThreadExecutor(r -> {
    Thread thread = new Thread(r, "clusterdoc-logs");
    thread.setDaemon(true);
    return thread;
  });
  /** Per pod uid and container, the restart count whose log was fetched. */
  private final Map<String, Integer> fetched = new HashMap<>();
  private boolean forbidden;

  LogFetcher(PodLogs logs, Collection<Rule> rules) {
    this.logs = logs;
    this.readers = PodLogs.readers(rules);
  }

  /** Fetches what the rules need of this pod and not yet fetched; {@code deliver} is called on the fetch thread. */
  void consider(Pod pod, BiConsumer<Pod, PodLogs.Fetched> deliver) {
    if (forbidden) {
      return;
    }
    for (String container : PodLogs.wanted(pod, readers)) {
      Integer restarts = restartCount(pod, container);
      String key = pod.getMetadata().getUid() + "/" + container;
      if (!Objects.equals(fetched.put(key, restarts), restarts)) {
        fetcher.execute(() -> deliver.accept(pod, logs.previous(pod, container)));
      }
    }
  }

  /** Called when the credentials turned out to lack permission: no further attempts. */
  void forbidden() {
    if (!forbidden) {
      forbidden = true;
      LOG.warn("{}; rules that read logs report what they can see without them", PodLogs.FORBIDDEN);
    }
  }

  void forget(Pod pod) {
    fetched.keySet().removeIf(key -> key.startsWith(pod.getMetadata().getUid() + "/"));
  }

  private static Integer restartCount(Pod pod, String container) {
    List<ContainerStatus> statuses = pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    return statuses == null ? null : statuses.stream().filter(s -> container.equals(s.getName()))
        .map(ContainerStatus::getRestartCount).findFirst().orElse(null);
  }

  @Override
  public void close() {
    fetcher.shutdownNow();
  }
}
