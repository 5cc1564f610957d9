package io.clusterdoc.rules.limits;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.AbstractRule;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An object close to a size the API server refuses: 256 KiB of annotations on any object, 1 MiB of data in a
 * ConfigMap. Past the limit every update of the object fails, so the warning comes while it can still be fixed in
 * place. Subjects are {@code Kind/namespace/name}, so one rule covers every kind clusterdoc reads.
 */
public final class ObjectSizeNearLimit extends AbstractRule {
  public static final String ID = "object-size-near-limit";

  /** The API server's limit on the keys and values of all annotations together (TotalAnnotationSizeLimitB). */
  static final long ANNOTATIONS_LIMIT = 256 * 1024;
  static final long ANNOTATIONS_WARNING = 200 * 1024;
  /** The API server's limit on a ConfigMap's data and binaryData, keys included. */
  static final long CONFIG_MAP_LIMIT = 1024 * 1024;
  static final long CONFIG_MAP_WARNING = 900 * 1024;
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

  /** Events are excluded: clusterdoc keeps only Warning Events, and they are not what users write. */
  private static final Set<Kind> READ = EnumSet.complementOf(EnumSet.of(Kind.EVENT));

  private record Sizes(long annotations, Optional<String> largestAnnotation, long largestAnnotationSize,
      long configMapData) {

    boolean annotationsNearLimit() {
      return annotations > ANNOTATIONS_WARNING;
    }

    boolean dataNearLimit() {
      return configMapData > CONFIG_MAP_WARNING;
    }

    boolean nearLimit() {
      return annotationsNearLimit() || dataNearLimit();
    }
  }

  public ObjectSizeNearLimit() {
    super(ID, Severity.WARNING,
        "Object's annotations over 200 KiB of the 256 KiB limit, or ConfigMap data over 900 KiB of 1 MiB", null,
        // Every kind but Events, given as one kind plus the others, as the base class takes them.
        Kind.POD, READ.stream().filter(kind -> kind != Kind.POD).toArray(Kind[]::new));
  }

  @Override
  public Collection<String> subjectsAffectedBy(HasMetadata changed, ClusterView view) {
    return subjectOf(changed).map(List::of).orElse(List.of());
  }

  /** With the key the engine built for the change: this rule reads every change of every kind but Events. */
  @Override
  public Collection<String> subjectsAffectedBy(HasMetadata changed, String changedKey, ClusterView view) {
    return subjectOf(changed, changedKey).map(List::of).orElse(List.of());
  }

  @Override
  public Collection<String> allSubjects(ClusterView view) {
    List<String> subjects = new ArrayList<>();
    for (Kind kind : READ) {
      view.all(kind.type()).stream()
          .filter(object -> sizes(object).nearLimit())
          .map(ObjectSizeNearLimit::subjectOf)
          .flatMap(Optional::stream)
          .forEach(subjects::add);
    }
    return subjects;
  }

  @Override
  public List<Finding> check(String subject, ClusterView view, RuleContext context) {
    int slash = subject.indexOf('/');
    if (slash < 0) {
      return List.of();
    }
    Optional<? extends HasMetadata> object = Kind.named(subject.substring(0, slash))
        .filter(READ::contains)
        .flatMap(kind -> view.get(kind.type(), subject.substring(slash + 1)));
    return object.map(o -> findings(o, sizes(o))).orElse(List.of());
  }

  /** {@code ConfigMap/shop/settings}, {@code Node/worker-1}. */
  private static Optional<String> subjectOf(HasMetadata object) {
    return subjectOf(object, null);
  }

  /** The same, with the object's store key when the caller has it. */
  private static Optional<String> subjectOf(HasMetadata object, String key) {
    return Kind.of(object).filter(READ::contains)
        .map(kind -> kind.kindName() + "/" + (key != null ? key : Keys.of(object)));
  }

  private List<Finding> findings(HasMetadata object, Sizes sizes) {
    if (!sizes.nearLimit()) {
      return List.of();
    }
    List<String> facts = new ArrayList<>();
    List<String> causes = new ArrayList<>();
    List<String> remedies = new ArrayList<>();
    if (sizes.annotationsNearLimit()) {
      facts.add("its annotations total " + kib(sizes.annotations()) + " of the 256 KiB allowed"
          + sizes.largestAnnotation().map(key -> ", the largest being " + key + " ("
              + kib(sizes.largestAnnotationSize()) + ")").orElse(""));
      causes.add(annotationCause(sizes));
      remedies.add(annotationRemedy(object, sizes));
    }
    if (sizes.dataNearLimit()) {
      facts.add("its data and binaryData total " + kib(sizes.configMapData()) + " of the 1 MiB a ConfigMap may "
          + "hold");
      causes.add("The API server refuses a ConfigMap whose data and binaryData, keys included, exceed "
          + CONFIG_MAP_LIMIT + " bytes (\"Too long: must have at most " + CONFIG_MAP_LIMIT + " bytes\"); every "
          + "watcher and every kubelet mounting it holds a copy in memory.");
      remedies.add("Split the ConfigMap into several (a projected volume can mount their keys into one directory), "
          + "or keep large files out of the API: in the image, on a PersistentVolume, or fetched by an init "
          + "container.");
    }
    ObjectRef ref = ObjectRef.of(object);
    return List.of(finding(ref)
        .message(Kind.of(object).map(Kind::kindName).orElse(ref.kind()) + " " + Keys.of(object)
            + " is close to a size limit: " + String.join("; ", facts) + ".")
        .cause(String.join(" ", causes))
        .remediation(String.join(" ", remedies))
        .build());
  }

  private static String annotationCause(Sizes sizes) {
    String limit = "The API server refuses any create or update whose annotations, keys and values, exceed "
        + ANNOTATIONS_LIMIT + " bytes (\"metadata.annotations: Too long: must have at most " + ANNOTATIONS_LIMIT
        + " bytes\"), so the next larger version of this object cannot be applied.";
    return sizes.largestAnnotation().filter(LAST_APPLIED::equals).isPresent()
        ? "kubectl apply (client-side) stores the whole applied object in the annotation " + LAST_APPLIED
            + ", so large content is carried twice. " + limit
        : limit;
  }

  private static String annotationRemedy(HasMetadata object, Sizes sizes) {
    if (sizes.largestAnnotation().filter(LAST_APPLIED::equals).isEmpty()) {
      return "Move large data out of the annotations, into the object's spec, a ConfigMap or a Secret: annotations "
          + "are meant for small metadata.";
    }
    String kind = Kind.of(object).map(Kind::kindName).orElse("").toLowerCase(Locale.ROOT);
    String namespace = object.getMetadata().getNamespace();
    String target = (namespace == null ? "" : "-n " + namespace + " ") + kind + " " + object.getMetadata().getName();
    return "Apply with kubectl apply --server-side (add --force-conflicts the first time, to take over the fields "
        + "the client-side apply owned; ownership then lives in metadata.managedFields), or manage the object with "
        + "kubectl create and kubectl replace. Then drop the annotation: kubectl annotate " + target + " "
        + LAST_APPLIED + "- ; a later client-side kubectl apply would write it again.";
  }

  private static Sizes sizes(HasMetadata object) {
    Map<String, String> annotations = object.getMetadata().getAnnotations();
    long total = 0;
    String largest = null;
    long largestSize = 0;
    if (annotations != null) {
      for (Map.Entry<String, String> annotation : annotations.entrySet()) {
        long size = utf8(annotation.getKey()) + utf8(annotation.getValue());
        total += size;
        if (size > largestSize) {
          largest = annotation.getKey();
          largestSize = size;
        }
      }
    }
    long data = object instanceof ConfigMap configMap ? configMapData(configMap) : 0;
    return new Sizes(total, Optional.ofNullable(largest), largestSize, data);
  }

  /** As the API server counts it: keys and values, binaryData decoded. */
  private static long configMapData(ConfigMap configMap) {
    long total = 0;
    if (configMap.getData() != null) {
      for (Map.Entry<String, String> entry : configMap.getData().entrySet()) {
        total += utf8(entry.getKey()) + utf8(entry.getValue());
      }
    }
    if (configMap.getBinaryData() != null) {
      for (Map.Entry<String, String> entry : configMap.getBinaryData().entrySet()) {
        total += utf8(entry.getKey()) + decodedLength(entry.getValue());
      }
    }
    return total;
  }

  /** The length of base64 text once decoded, without decoding it; tolerant of anything that is not base64. */
  private static long decodedLength(String base64) {
    if (base64 == null) {
      return 0;
    }
    long symbols = base64.chars().filter(c -> !Character.isWhitespace(c) && c != '=').count();
    return symbols * 3 / 4;
  }

  private static long utf8(String text) {
    return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
  }

  /** "212.4 KiB" */
  private static String kib(long bytes) {
    return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
  }
}
