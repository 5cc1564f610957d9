package io.clusterdoc.engine;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The annotation {@code clusterdoc.io/ignore} on an object or its namespace silences findings: it holds rule ids
 * separated by commas, or {@code *} for every rule.
 */
public final class Silencing {
  public static final String ANNOTATION = "clusterdoc.io/ignore";

  private Silencing() {
  }

  /** Whether the finding's object, or the namespace it lives in, asks to ignore the finding's rule. */
  static boolean silenced(Finding finding, ClusterView view) {
    ObjectRef object = finding.object();
    Optional<HasMetadata> subject = Kind.named(object.kind())
        .flatMap(kind -> view.get(kind.type(), Keys.of(object.namespace(), object.name())));
    if (subject.map(o -> ignores(o, finding.rule())).orElse(false)) {
      return true;
    }
    return object.namespace() != null && view.get(Namespace.class, object.namespace())
        .map(namespace -> ignores(namespace, finding.rule())).orElse(false);
  }

  /** Whether an object's ignore annotation differs between two versions of it. */
  static boolean changed(HasMetadata before, HasMetadata after) {
    return !Objects.equals(value(before), value(after));
  }

  private static boolean ignores(HasMetadata object, String rule) {
    String ignored = value(object);
    return ignored != null && Arrays.stream(ignored.split(",")).map(String::trim)
        .anyMatch(id -> id.equals("*") || id.equals(rule));
  }

  private static String value(HasMetadata object) {
    if (object == null || object.getMetadata() == null) {
      return null;
    }
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(ANNOTATION);
  }
}
