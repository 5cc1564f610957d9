package io.clusterdoc.cluster;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The objects the rules read, with the indexes they need. Filled from files, from one list per kind, or
 * from informers; not thread-safe: the operator confines it to its evaluation thread.
 */
public final class ObjectStore implements ClusterView {
  /** Enough to explain a failure; older Warning Events about the same object are dropped. */
  static final int EVENTS_PER_OBJECT = 10;
  /** Events clusterdoc writes itself are not input: reading them back would feed findings on findings. */
  public static final String OWN_EVENT_SOURCE = "clusterdoc";
  private static final String TLS_SECRET = "kubernetes.io/tls";

  private static final Comparator<Event> BY_TIME = Comparator.comparing(ObjectStore::eventTime);

  private final Map<Kind, Map<String, HasMetadata>> byKind = new EnumMap<>(Kind.class);
  private final MultiIndex<Pod> podsByNamespace = new MultiIndex<>();
  private final MultiIndex<Pod> podsByOwner = new MultiIndex<>();
  private final MultiIndex<Pod> podsByNode = new MultiIndex<>();
  private final Map<String, List<Event>> eventsByObject = new HashMap<>();
  private final Map<String, Map<String, String>> logsByPod = new HashMap<>();
  private String logsUnavailable;
  private final UnaryOperator<HasMetadata> pruning;

  public ObjectStore() {
    this(Pruning::prune);
  }

  /** With another pruning, or none: for the test that proves pruning changes no finding. */
  ObjectStore(UnaryOperator<HasMetadata> pruning) {
    this.pruning = pruning;
  }

  /**
   * A store for objects that were pruned before they arrive, as informer caches that prune hand them over: walking
   * every part of an object a second time on each update would only find it pruned and shared already.
   */
  public static ObjectStore ofPrunedObjects() {
    return new ObjectStore(UnaryOperator.identity());
  }

  /** Adds or replaces an object; returns the previous version, if any. Objects of kinds no rule reads are ignored. */
  public Optional<HasMetadata> put(HasMetadata object) {
    Optional<Kind> kind = Kind.of(object);
    if (kind.isEmpty() || !isInput(object)) {
      return Optional.empty();
    }
    pruning.apply(object);
    String key = Keys.of(object);
    HasMetadata previous = byKind.computeIfAbsent(kind.get(), k -> new HashMap<>()).put(key, object);
    unindex(previous);
    index(object);
    return Optional.ofNullable(previous);
  }

  /** Keeps the end of a container's log until its pod is removed. */
  public void putLog(ContainerLog log) {
    logsByPod.computeIfAbsent(Keys.of(log.namespace(), log.pod()), k -> new HashMap<>()).put(log.container(), log.text());
  }

  /** Records that no container log can be read, and why. */
  public void setLogsUnavailable(String reason) {
    logsUnavailable = reason;
  }

  /** Removes an object; returns what was stored. */
  public Optional<HasMetadata> remove(HasMetadata object) {
    Optional<Kind> kind = Kind.of(object);
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    HasMetadata previous = byKind.getOrDefault(kind.get(), Map.of()).remove(Keys.of(object));
    unindex(previous);
    if (previous instanceof Pod) {
      logsByPod.remove(Keys.of(previous));
    }
    return Optional.ofNullable(previous);
  }

  public int size() {
    return byKind.values().stream().mapToInt(Map::size).sum();
  }

  /** How many objects of each kind are stored. */
  public Map<Kind, Integer> sizes() {
    Map<Kind, Integer> sizes = new EnumMap<>(Kind.class);
    byKind.forEach((kind, objects) -> sizes.put(kind, objects.size()));
    return Collections.unmodifiableMap(sizes);
  }

  @Override
  public <T extends HasMetadata> Collection<T> all(Class<T> type) {
    Optional<Kind> kind = Kind.of(type);
    if (kind.isEmpty()) {
      return List.of();
    }
    Collection<T> objects = cast(byKind.getOrDefault(kind.get(), Map.of()).values());
    return Collections.unmodifiableCollection(objects);
  }

  /** The store's own key strings: a full pass looks every object up by them without building a key per rule. */
  @Override
  public Collection<String> keys(Class<? extends HasMetadata> type) {
    Optional<Kind> kind = Kind.of(type);
    if (kind.isEmpty()) {
      return List.of();
    }
    return Collections.unmodifiableCollection(byKind.getOrDefault(kind.get(), Map.of()).keySet());
  }

  @Override
  public <T extends HasMetadata> Optional<T> get(Class<T> type, String key) {
    return Kind.of(type).map(k -> byKind.getOrDefault(k, Map.of()).get(key)).map(type::cast);
  }

  @Override
  public Collection<Pod> podsInNamespace(String namespace) {
    return podsByNamespace.get(namespace);
  }

  @Override
  public Collection<Pod> podsOwnedBy(String ownerUid) {
    return podsByOwner.get(ownerUid);
  }

  @Override
  public Collection<Pod> podsOnNode(String nodeName) {
    return podsByNode.get(nodeName);
  }

  @Override
  public List<Event> warningEventsAbout(HasMetadata object) {
    String uid = object.getMetadata().getUid();
    List<Event> events = eventsByObject.getOrDefault(involvedKey(object), List.of());
    return events.stream()
        .filter(e -> uid == null || e.getInvolvedObject().getUid() == null || uid.equals(e.getInvolvedObject().getUid()))
        .toList();
  }

  @Override
  public Optional<String> containerLog(Pod pod, String container) {
    return Optional.ofNullable(logsByPod.getOrDefault(Keys.of(pod), Map.of()).get(container));
  }

  @Override
  public Optional<String> logsUnavailable() {
    return Optional.ofNullable(logsUnavailable);
  }

  private void index(HasMetadata object) {
    if (object instanceof Pod pod) {
      String key = Keys.of(pod);
      podsByNamespace.add(pod.getMetadata().getNamespace(), key, pod);
      owners(pod).forEach(uid -> podsByOwner.add(uid, key, pod));
      nodeOf(pod).ifPresent(node -> podsByNode.add(node, key, pod));
    } else if (object instanceof Event event && event.getInvolvedObject() != null) {
      List<Event> events = eventsByObject.computeIfAbsent(involvedKey(event.getInvolvedObject()), k -> new ArrayList<>());
      events.removeIf(e -> Objects.equals(Keys.of(e), Keys.of(event)));
      events.add(event);
      events.sort(BY_TIME);
      if (events.size() > EVENTS_PER_OBJECT) {
        events.subList(0, events.size() - EVENTS_PER_OBJECT).clear();
      }
    }
  }

  private void unindex(HasMetadata object) {
    if (object instanceof Pod pod) {
      String key = Keys.of(pod);
      podsByNamespace.remove(pod.getMetadata().getNamespace(), key);
      owners(pod).forEach(uid -> podsByOwner.remove(uid, key));
      nodeOf(pod).ifPresent(node -> podsByNode.remove(node, key));
    } else if (object instanceof Event event && event.getInvolvedObject() != null) {
      String involved = involvedKey(event.getInvolvedObject());
      List<Event> events = eventsByObject.get(involved);
      if (events != null) {
        events.removeIf(e -> Objects.equals(Keys.of(e), Keys.of(event)));
        if (events.isEmpty()) {
          eventsByObject.remove(involved);
        }
      }
    }
  }

  private static Optional<String> nodeOf(Pod pod) {
    return Optional.ofNullable(pod.getSpec()).map(spec -> spec.getNodeName());
  }

  private static List<String> owners(Pod pod) {
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    return refs == null ? List.of() : refs.stream().map(OwnerReference::getUid).filter(Objects::nonNull).toList();
  }

  /**
   * Whether a rule may read the object: everything of a watched kind except Events that are not Warnings, or that
   * clusterdoc wrote itself. Informer caches apply the same test, so what is never read is never held.
   */
  public static boolean isInput(HasMetadata object) {
    if (object instanceof Secret secret) {
      return TLS_SECRET.equals(secret.getType());
    }
    if (!(object instanceof Event event)) {
      return true;
    }
    boolean own = OWN_EVENT_SOURCE.equals(event.getReportingComponent())
        || (event.getSource() != null && OWN_EVENT_SOURCE.equals(event.getSource().getComponent()));
    return !own && "Warning".equals(event.getType()) && event.getInvolvedObject() != null;
  }

  private static String involvedKey(ObjectReference ref) {
    return ref.getKind() + "|" + Keys.of(ref.getNamespace(), ref.getName());
  }

  private static String involvedKey(HasMetadata object) {
    return object.getKind() + "|" + Keys.of(object);
  }

  /** The time an Event last happened, whichever field its producer filled in. */
  private static String eventTime(Event e) {
    if (e.getLastTimestamp() != null) {
      return e.getLastTimestamp();
    }
    if (e.getEventTime() != null && e.getEventTime().getTime() != null) {
      return e.getEventTime().getTime();
    }
    return Objects.requireNonNullElse(e.getMetadata().getCreationTimestamp(), "");
  }

  @SuppressWarnings("unchecked")
  private static <T> Collection<T> cast(Collection<HasMetadata> objects) {
    return (Collection<T>) objects;
  }

  /** Values grouped under a key, each value once by its own key, in insertion order. */
  private static final class MultiIndex<T> {
    private final Map<String, Map<String, T>> groups = new HashMap<>();

    void add(String group, String key, T value) {
      groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(key, value);
    }

    void remove(String group, String key) {
      Map<String, T> members = groups.get(group);
      if (members != null) {
        members.remove(key);
        if (members.isEmpty()) {
          groups.remove(group);
        }
      }
    }

    Collection<T> get(String group) {
      Map<String, T> members = groups.get(group);
      return members == null ? List.of() : Collections.unmodifiableCollection(members.values());
    }
  }
}
