package io.clusterdoc.rules.namespaces;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.rules.apiservices.ApiServiceUnavailable;
import io.clusterdoc.rules.namespaces.ControllerMessages.Remaining;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceCondition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What keeps a terminating namespace from going away, read from the conditions the namespace controller writes
 * (a condition that is True is a problem, False means that step is done) and from the namespace's finalizers.
 */
final class DeletionBlockers {
  static final String KUBERNETES_FINALIZER = "kubernetes";

  /** Who removes the finalizers people meet most, so the on-call knows where to look. */
  private static final Map<String, String> FINALIZER_OWNERS = Map.of(
      "kubernetes.io/pvc-protection", "kube-controller-manager removes it once no pod uses the claim",
      "kubernetes.io/pv-protection", "kube-controller-manager removes it once the volume is no longer bound",
      "foregroundDeletion", "the garbage collector removes it once the object's dependents are gone",
      "orphan", "the garbage collector removes it once it has orphaned the object's dependents");

  /** One reason the deletion does not finish: a short summary, why, and what to do about it. */
  record Blocker(String summary, String cause, String remedy, List<ObjectRef> related) {
    Blocker(String summary, String cause, String remedy) {
      this(summary, cause, remedy, List.of());
    }
  }

  private DeletionBlockers() {
  }

  /** Never empty: when nothing is reported, that itself is the finding. */
  static List<Blocker> of(Namespace namespace, ClusterView view) {
    String name = namespace.getMetadata().getName();
    List<Blocker> blockers = new ArrayList<>();
    conditions(namespace).filter(c -> "True".equals(c.getStatus()))
        .forEach(c -> fromCondition(c, name, view).ifPresent(blockers::add));
    foreignFinalizers(namespace).ifPresent(blockers::add);
    if (blockers.isEmpty()) {
      blockers.add(conditions(namespace).findAny().isPresent() ? nothingLeft(name) : controllerSilent(name));
    }
    return blockers;
  }

  /** The finalizers in spec.finalizers, which the namespace controller owns and removes last. */
  static List<String> specFinalizers(Namespace namespace) {
    return namespace.getSpec() == null || namespace.getSpec().getFinalizers() == null
        ? List.of() : namespace.getSpec().getFinalizers();
  }

  private static Stream<NamespaceCondition> conditions(Namespace namespace) {
    return namespace.getStatus() == null || namespace.getStatus().getConditions() == null
        ? Stream.empty() : namespace.getStatus().getConditions().stream().filter(Objects::nonNull);
  }

  private static Optional<Blocker> fromCondition(NamespaceCondition condition, String namespace, ClusterView view) {
    String type = Objects.requireNonNullElse(condition.getType(), "");
    return Optional.ofNullable(switch (type) {
      case "NamespaceDeletionDiscoveryFailure" -> discoveryFailure(condition, view);
      case "NamespaceDeletionGroupVersionParsingFailure" -> parsingFailure(condition);
      case "NamespaceDeletionContentFailure" -> contentFailure(condition);
      case "NamespaceContentRemaining" -> contentRemaining(condition, namespace);
      case "NamespaceFinalizersRemaining" -> finalizersRemaining(condition);
      default -> null;
    });
  }

  private static Blocker discoveryFailure(NamespaceCondition condition, ClusterView view) {
    Set<String> groupVersions = ControllerMessages.failingGroupVersions(condition.getMessage());
    // When the message names no group, any unavailable APIService is the likely culprit.
    List<APIService> unavailable = view.all(APIService.class).stream()
        .filter(a -> groupVersions.isEmpty() || groupVersions.contains(ApiServiceUnavailable.groupVersion(a)))
        .filter(a -> ApiServiceUnavailable.unavailability(a).isPresent())
        .sorted(Comparator.comparing(a -> a.getMetadata().getName()))
        .toList();
    String failing = groupVersions.isEmpty() ? "some API groups" : String.join(", ", groupVersions);
    String names = unavailable.isEmpty()
        ? groupVersions.stream().map(DeletionBlockers::apiServiceName).collect(Collectors.joining(" "))
        : unavailable.stream().map(a -> a.getMetadata().getName()).collect(Collectors.joining(" "));
    String state = unavailable.stream()
        .map(a -> " APIService " + a.getMetadata().getName() + " is not Available: "
            + ApiServiceUnavailable.describe(ApiServiceUnavailable.unavailability(a).orElseThrow()) + ".")
        .collect(Collectors.joining());
    return new Blocker("discovery of " + failing + " fails",
        "The namespace controller cannot list " + failing + ", so it cannot make sure the namespace is empty and "
            + "does not finish the deletion (" + quote(condition) + ")." + state,
        "Fix the failing APIService first (kubectl get apiservice" + (names.isEmpty() ? "s" : " " + names)
            + "): repair its backing service, or, if the add-on was removed, delete the stale APIService "
            + "(kubectl delete apiservice " + (names.isEmpty() ? "<name>" : names)
            + "). The namespace controller then finishes the deletion by itself.",
        unavailable.stream().map(ObjectRef::of).toList());
  }

  private static Blocker parsingFailure(NamespaceCondition condition) {
    return new Blocker("some API group versions cannot be parsed",
        "The namespace controller cannot parse some group versions the API server advertises (" + quote(condition)
            + ").",
        "Find the APIService or CustomResourceDefinition that advertises the malformed group version "
            + "(kubectl get apiservices) and fix or remove it.");
  }

  private static Blocker contentFailure(NamespaceCondition condition) {
    return new Blocker("deleting some of its content fails",
        "The namespace controller's delete calls fail (" + quote(condition) + ").",
        "Act on the error in that message, often an admission or conversion webhook that rejects the deletes or "
            + "does not answer; the kube-controller-manager log has the details.");
  }

  private static Blocker contentRemaining(NamespaceCondition condition, String namespace) {
    List<Remaining> resources = ControllerMessages.remainingResources(condition.getMessage());
    if (resources.isEmpty()) {
      return new Blocker("resources remain", "Objects are still in the namespace (" + quote(condition) + ").",
          "List what is left: kubectl api-resources --verbs=list --namespaced -o name | xargs -n 1 kubectl get "
              + "--show-kind --ignore-not-found -n " + namespace + "; delete it or look at what holds it.");
    }
    String kinds = resources.stream().map(Remaining::name).collect(Collectors.joining(","));
    return new Blocker("resources remain: " + join(resources),
        "Objects are still in the namespace: " + join(resources) + ".",
        "See what is left and what holds it: kubectl -n " + namespace + " get " + kinds
            + " -o custom-columns=KIND:.kind,NAME:.metadata.name,DELETED:.metadata.deletionTimestamp,"
            + "FINALIZERS:.metadata.finalizers. Delete what is not being deleted yet; what is being deleted waits for "
            + "its finalizers or, for pods, for the kubelet of its node (force-delete a pod with --force "
            + "--grace-period=0 only when its node is gone for good).");
  }

  private static Blocker finalizersRemaining(NamespaceCondition condition) {
    List<Remaining> finalizers = ControllerMessages.remainingFinalizers(condition.getMessage());
    String listed = finalizers.isEmpty() ? "" : ": " + join(finalizers);
    return new Blocker("finalizers remain" + listed,
        "Objects in the namespace wait for finalizers" + (finalizers.isEmpty() ? " (" + quote(condition) + ")" : listed)
            + ".",
        "Find the controller that owns each finalizer and why it does not finish" + owners(finalizers)
            + "; remove a finalizer by hand only once its controller is gone for good, accepting that what it "
            + "guards is not cleaned up.");
  }

  /** Finalizers on the namespace object that the namespace controller does not own. */
  private static Optional<Blocker> foreignFinalizers(Namespace namespace) {
    List<String> metadata = Objects.requireNonNullElse(namespace.getMetadata().getFinalizers(), List.of());
    List<String> spec = specFinalizers(namespace).stream().filter(f -> !KUBERNETES_FINALIZER.equals(f)).toList();
    if (metadata.isEmpty() && spec.isEmpty()) {
      return Optional.empty();
    }
    List<String> all = Stream.concat(metadata.stream(), spec.stream()).distinct().toList();
    String where = Stream.of(metadata.isEmpty() ? null : "metadata.finalizers " + metadata,
        spec.isEmpty() ? null : "spec.finalizers " + spec).filter(Objects::nonNull).collect(Collectors.joining(", "));
    return Optional.of(new Blocker("the namespace carries finalizers " + String.join(", ", all),
        "The namespace itself carries " + where + ", which only the controllers that added them remove.",
        "Find the controller behind " + String.join(", ", all) + " (the finalizer's prefix usually names it) and "
            + "make sure it runs; do not remove its finalizer by hand while it may still have cleanup to do."));
  }

  private static Blocker nothingLeft(String namespace) {
    return new Blocker("the namespace controller reports nothing left but has not finished",
        "Every deletion condition is False: the namespace controller found nothing left, yet it has not removed "
            + "its finalizer; it is probably not running or not keeping up.",
        "Check that kube-controller-manager runs and is healthy (on kubeadm clusters: kubectl -n kube-system get "
            + "pods -l component=kube-controller-manager, and its log for this namespace). If it does and the "
            + "namespace stays, finalize it by hand: kubectl get ns " + namespace + " -o json | jq "
            + "'.spec.finalizers = []' | kubectl replace --raw /api/v1/namespaces/" + namespace + "/finalize -f - . "
            + "Caveat: this skips the controller's cleanup; anything still stored in the namespace is orphaned and "
            + "reappears if a namespace of that name is created again.");
  }

  private static Blocker controllerSilent(String namespace) {
    return new Blocker("the namespace controller reports nothing",
        "The namespace has no deletion conditions: the namespace controller has not processed it, so "
            + "kube-controller-manager is probably not running.",
        "Check that kube-controller-manager runs (on kubeadm clusters: kubectl -n kube-system get pods -l "
            + "component=kube-controller-manager) and list what is left: kubectl api-resources --verbs=list "
            + "--namespaced -o name | xargs -n 1 kubectl get --show-kind --ignore-not-found -n " + namespace + ".");
  }

  private static String owners(List<Remaining> finalizers) {
    String known = finalizers.stream()
        .filter(f -> FINALIZER_OWNERS.containsKey(f.name()))
        .map(f -> f.name() + ": " + FINALIZER_OWNERS.get(f.name()))
        .collect(Collectors.joining("; "));
    return known.isEmpty() ? "" : " (" + known + ")";
  }

  /** APIService names are {@code version.group} by validation. */
  private static String apiServiceName(String groupVersion) {
    int slash = groupVersion.indexOf('/');
    return groupVersion.substring(slash + 1) + "." + groupVersion.substring(0, slash);
  }

  private static String quote(NamespaceCondition condition) {
    String message = condition.getMessage() != null ? condition.getMessage() : condition.getReason();
    return message == null ? condition.getType() : condition.getType() + ": " + message;
  }

  private static String join(List<Remaining> remaining) {
    return remaining.stream().map(Remaining::toString).collect(Collectors.joining(", "));
  }
}
