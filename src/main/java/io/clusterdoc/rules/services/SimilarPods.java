package io.clusterdoc.rules.services;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Pods whose labels miss a Service selector by one label: the usual reason a selector matches nothing is a typo, a
 * renamed label or a changed value (app: orders vs app.kubernetes.io/name: orders, version: v1 vs v2).
 */
final class SimilarPods {
  /** Two edits cover a typo, a swapped pair of letters or a changed version number. */
  private static final int TYPO_DISTANCE = 2;

  /** A pod that misses the selector, and how. */
  record NearMiss(Pod pod, String difference) {
    String display() {
      return pod.getMetadata().getName() + " (" + difference + ")";
    }
  }

  private SimilarPods() {
  }

  /** Whether the pod carries every label of the selector with the same value. */
  static boolean matches(Map<String, String> selector, Pod pod) {
    Map<String, String> labels = labels(pod);
    return selector.entrySet().stream().allMatch(pair -> pair.getValue().equals(labels.get(pair.getKey())));
  }

  /**
   * The pods that miss exactly one label of the selector, by name. With a selector of one label, only a near
   * miss counts (a close value, or the value under another key): otherwise every pod of the namespace would.
   */
  static List<NearMiss> of(Map<String, String> selector, Collection<Pod> pods) {
    return pods.stream()
        .map(pod -> nearMiss(selector, pod))
        .flatMap(Optional::stream)
        .sorted(Comparator.comparing(miss -> miss.pod().getMetadata().getName()))
        .toList();
  }

  private static Optional<NearMiss> nearMiss(Map<String, String> selector, Pod pod) {
    Map<String, String> labels = labels(pod);
    List<Map.Entry<String, String>> missed = selector.entrySet().stream()
        .filter(pair -> !pair.getValue().equals(labels.get(pair.getKey())))
        .toList();
    if (missed.size() != 1) {
      return Optional.empty();
    }
    String key = missed.get(0).getKey();
    String wanted = missed.get(0).getValue();
    String actual = labels.get(key);
    Optional<String> keyWithValue = labels.entrySet().stream()
        .filter(label -> label.getValue().equals(wanted))
        .map(Map.Entry::getKey)
        .sorted()
        .findFirst();
    boolean near = keyWithValue.isPresent() || (actual != null && distance(actual, wanted) <= TYPO_DISTANCE);
    if (selector.size() == 1 && !near) {
      return Optional.empty();
    }
    String difference;
    if (actual != null) {
      difference = key + "=" + actual + ", not " + wanted;
    } else if (keyWithValue.isPresent()) {
      difference = keyWithValue.get() + "=" + wanted + " but no label " + key;
    } else {
      difference = "no label " + key;
    }
    return Optional.of(new NearMiss(pod, difference));
  }

  private static Map<String, String> labels(Pod pod) {
    return Objects.requireNonNullElse(pod.getMetadata().getLabels(), Map.of());
  }

  /** Levenshtein distance: insertions, deletions and substitutions. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
