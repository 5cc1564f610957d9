package io.clusterdoc.rules.pods;

import java.util.List;

/** Wording shared by the pod rules, so that their findings read alike. */
final class PodText {
  private PodText() {
  }

  /** "1 restart", "14 restarts". */
  static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  /** The first items and how many more, so that a finding about hundreds of pods stays readable. */
  static String shown(List<String> items, int limit, String separator) {
    String listed = String.join(separator, items.subList(0, Math.min(limit, items.size())));
    return items.size() > limit ? listed + " and " + (items.size() - limit) + " more" : listed;
  }
}
