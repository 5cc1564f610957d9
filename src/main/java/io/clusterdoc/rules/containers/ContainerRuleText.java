package io.clusterdoc.rules.containers;

import io.clusterdoc.cluster.Keys;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Optional;

/** Wording shared by the container rules, so that their findings read alike. */
final class ContainerRuleText {
  private ContainerRuleText() {
  }

  /** The node the pod is bound to, if any. */
  static Optional<String> node(Pod pod) {
    return Optional.ofNullable(pod.getSpec()).map(spec -> spec.getNodeName()).filter(name -> !name.isBlank());
  }

  /** " on node worker-2", or nothing for a pod not yet bound. */
  static String onNode(Pod pod) {
    return node(pod).map(name -> " on node " + name).orElse("");
  }

  /** "Pod shop/web-1" */
  static String pod(Pod pod) {
    return "Pod " + Keys.of(pod);
  }

  /** The first command to run about any pod. */
  static String describe(Pod pod) {
    return "kubectl describe pod -n " + pod.getMetadata().getNamespace() + " " + pod.getMetadata().getName();
  }

  /**
   * A producer's own words, on one line and quoted at the end of a sentence: the full stop comes only when they
   * have none.
   */
  static String quotedSentence(String text) {
    String line = text.trim().replaceAll("\\s*\n\\s*", " ");
    return "\"" + line + "\"" + (line.endsWith(".") ? "" : ".");
  }

  /** "Container web" at the start of a sentence. */
  static String capitalized(String text) {
    return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
  }

  /** Replaces each {name} of the template with its value; braces of other names are left as they are. */
  static String fill(String template, Map<String, String> values) {
    String filled = template;
    for (Map.Entry<String, String> value : values.entrySet()) {
      filled = filled.replace("{" + value.getKey() + "}", value.getValue());
    }
    return filled;
  }
}
