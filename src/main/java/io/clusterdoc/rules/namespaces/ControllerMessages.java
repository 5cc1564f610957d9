package io.clusterdoc.rules.namespaces;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The specifics in the messages the namespace controller writes into a terminating namespace's conditions. The
 * messages are prose, so each parser returns nothing rather than failing when the text is not what it expects.
 */
final class ControllerMessages {
  /**
   * A {@code group/version:} entry of a discovery error. The look-behind skips the same text inside URLs such as
   * {@code https://10.96.183.7:443/apis/metrics.k8s.io/v1beta1: dial tcp ...}.
   */
  private static final Pattern GROUP_VERSION = Pattern.compile("(?<![-./\\w])([a-z0-9][-a-z0-9.]*/v\\d+[a-z0-9]*): ");
  /** {@code pods. has 2 resource instances}: resource, a dot, then the group, empty for the core group. */
  private static final Pattern RESOURCE = Pattern.compile("([^\\s,:]+) has (\\d{1,9}) resource instances");
  /** {@code kubernetes.io/pvc-protection in 1 resource instances}. */
  private static final Pattern FINALIZER = Pattern.compile("([^\\s,:]+) in (\\d{1,9}) resource instances");

  /** A resource or finalizer still present in the namespace, and on how many objects. */
  record Remaining(String name, int count) {
    @Override
    public String toString() {
      return name + " (" + count + ")";
    }
  }

  private ControllerMessages() {
  }

  /** From {@code Discovery failed for some groups, 1 failing: ... server APIs: metrics.k8s.io/v1beta1: ...}. */
  static Set<String> failingGroupVersions(String message) {
    Set<String> groupVersions = new LinkedHashSet<>();
    Matcher m = GROUP_VERSION.matcher(nullToEmpty(message));
    while (m.find()) {
      groupVersions.add(m.group(1));
    }
    return groupVersions;
  }

  /** From {@code Some resources are remaining: persistentvolumeclaims. has 1 resource instances, ...}. */
  static List<Remaining> remainingResources(String message) {
    return remaining(RESOURCE, message).stream()
        .map(r -> new Remaining(r.name().endsWith(".") ? r.name().substring(0, r.name().length() - 1) : r.name(),
            r.count()))
        .toList();
  }

  /** From {@code Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 1 ...}. */
  static List<Remaining> remainingFinalizers(String message) {
    return remaining(FINALIZER, message);
  }

  private static List<Remaining> remaining(Pattern pattern, String message) {
    List<Remaining> found = new ArrayList<>();
    Matcher m = pattern.matcher(nullToEmpty(message));
    while (m.find()) {
      found.add(new Remaining(m.group(1), Integer.parseInt(m.group(2))));
    }
    return found;
  }

  private static String nullToEmpty(String text) {
    return text == null ? "" : text;
  }
}
