package io.clusterdoc.cluster;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The only way rules see the cluster: read-only, backed by cached or loaded objects, never by API calls.
 * Objects are keyed by {@link Keys#of(String, String)}.
 */
public interface ClusterView {

  <T extends HasMetadata> Collection<T> all(Class<T> type);

  <T extends HasMetadata> Optional<T> get(Class<T> type, String key);

  /** The key of every object of a kind, as {@link #get} takes it. */
  Collection<String> keys(Class<? extends HasMetadata> type);

  default <T extends HasMetadata> Optional<T> get(Class<T> type, String namespace, String name) {
    return get(type, Keys.of(namespace, name));
  }

  Collection<Pod> podsInNamespace(String namespace);

  /** Pods whose ownerReferences name this uid. */
  Collection<Pod> podsOwnedBy(String ownerUid);

  /** Pods bound to this node (spec.nodeName). */
  Collection<Pod> podsOnNode(String nodeName);

  /** Warning Events about the object, newest last; a bounded number per object. */
  List<Event> warningEventsAbout(HasMetadata object);

  /**
   * The end of a container's log, for the containers a {@code LogReader} rule asked for: the previous run's log in
   * the operator and a live scan, the current log in a cluster-info dump. Empty when unknown.
   */
  Optional<String> containerLog(Pod pod, String container);

  /** Why container logs cannot be read at all (missing permission), if that is the case. */
  Optional<String> logsUnavailable();
}
