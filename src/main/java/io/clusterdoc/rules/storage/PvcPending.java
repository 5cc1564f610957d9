package io.clusterdoc.rules.storage;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.Durations;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A PersistentVolumeClaim still Pending longer than the threshold after its creation, explained with the volume
 * controller's Warning Event. A claim of a WaitForFirstConsumer StorageClass stays Pending until a pod using it is
 * scheduled, which is normal while no pod uses it; the controller says so only in a Normal Event, which clusterdoc
 * does not keep, so the rule recognises the state from the claim itself.
 */
public final class PvcPending extends ObjectRule<PersistentVolumeClaim> {
  public static final String ID = "pvc-pending";

  /** Set by the scheduler on a WaitForFirstConsumer claim once it has picked a node for the pod. */
  private static final String SELECTED_NODE = "volume.kubernetes.io/selected-node";
  /** Set by the volume controller when it hands the claim to a provisioner. */
  private static final List<String> PROVISIONER = List.of(
      "volume.kubernetes.io/storage-provisioner", "volume.beta.kubernetes.io/storage-provisioner");
  private static final Pattern MISSING_CLASS =
      Pattern.compile("storageclass\\.storage\\.k8s\\.io \"([^\"]+)\" not found");
  private static final int SHOWN_PODS = 3;

  /** What keeps the claim Pending, with what to do about it. */
  private enum Blocker {
    MISSING_STORAGE_CLASS(
        "The claim names a StorageClass that does not exist, so nothing can provision its volume.",
        "List the classes with kubectl get storageclass. A claim's storageClassName cannot be changed: create the "
            + "missing StorageClass, or delete the claim and create it again with an existing class (it holds no "
            + "data yet). A StorageClass's provisioner cannot be changed either: to fix one, delete and create it "
            + "again under the same name; bound volumes keep working."),
    PROVISIONING_FAILED(
        "The provisioner tried to create the volume and failed; the error comes from the storage driver or the "
            + "storage behind it (quota, credentials, parameters, zone).",
        "Read the provisioner's logs (the CSI controller pod, its csi-provisioner container) and compare the "
            + "StorageClass's parameters with what the storage accepts: kubectl get storageclass {class} -o yaml. The "
            + "provisioner retries by itself once the cause is fixed."),
    NO_MATCHING_VOLUME(
        "No PersistentVolume matches the claim and it names no StorageClass to provision one. A volume matches "
            + "only with the same storageClassName (\"\" and unset differ), all requested access modes, the same "
            + "volumeMode, at least the requested size and no claimRef to another claim.",
        "Create a matching PersistentVolume (kubectl get pv shows what exists and why none fits), or use dynamic "
            + "provisioning: set a default StorageClass (annotation storageclass.kubernetes.io/is-default-class: "
            + "\"true\") or name a class in a new claim; a claim with storageClassName \"\" never gets one."),
    OTHER_WARNING(
        "The volume controller reports a problem with the claim.",
        "kubectl describe pvc shows the Events; the message above says what to fix."),
    PRE_BOUND(
        "The claim asks for one PersistentVolume by name (spec.volumeName), which does not exist, is bound to "
            + "another claim, or does not fit the claim.",
        "Check the volume with kubectl get pv {volume} -o yaml (phase, claimRef, capacity, access modes, "
            + "storageClassName); create it, release it, or create the claim again without spec.volumeName."),
    WAITING_FOR_PROVISIONER(
        "The volume controller handed the claim to the provisioner {provisioner}, which has not created a volume: it "
            + "is not running, cannot reach the storage, or does not handle this StorageClass.",
        "Find the provisioner's controller pods (kubectl get pods -A | grep -i provisioner, or the CSI driver's "
            + "namespace), check that they are Ready and read their logs. kubectl describe pvc shows the "
            + "ExternalProvisioning events."),
    WAITING_FOR_POD(
        "Its StorageClass binds volumes only once a pod using the claim is scheduled (volumeBindingMode "
            + "WaitForFirstConsumer), and that pod has not been scheduled.",
        "Look at why the pod is Pending: kubectl describe pod shows FailedScheduling, e.g. \"pod has unbound "
            + "immediate PersistentVolumeClaims\" or \"volume node affinity conflict\" when the volume's zone has no "
            + "node for the pod; a StorageClass with volumeBindingMode WaitForFirstConsumer and allowedTopologies "
            + "for the zones the pods run in avoids the latter."),
    UNEXPLAINED(
        "The volume controller reported no Warning Event about it.",
        "kubectl describe pvc shows its Events; kubectl get storageclass {class} -o yaml shows the provisioner and "
            + "the binding mode.");

    private final String explanation;
    private final String remediation;

    Blocker(String explanation, String remediation) {
      this.explanation = explanation;
      this.remediation = remediation;
    }
  }

  public PvcPending() {
    super(ID, Severity.WARNING,
        "PersistentVolumeClaim Pending longer than the threshold, with the provisioning error; not while waiting for "
            + "its first consumer",
        PersistentVolumeClaim.class, Threshold.of(Duration.ofMinutes(5)), Kind.EVENT, Kind.POD);
  }

  @Override
  protected List<Finding> check(PersistentVolumeClaim claim, ClusterView view, RuleContext context) {
    if (claim.getStatus() == null || !"Pending".equals(claim.getStatus().getPhase())
        || claim.getMetadata().getDeletionTimestamp() != null) {
      return List.of();
    }
    Optional<Instant> created = parse(claim.getMetadata().getCreationTimestamp());
    if (created.isEmpty()) {
      return List.of();
    }
    Instant due = created.get().plus(context.threshold());
    if (context.now().isBefore(due)) {
      // Staying Pending is only time passing: no object change would make the engine look again.
      context.recheckAt(due);
      return List.of();
    }
    List<Event> warnings = view.warningEventsAbout(claim);
    Optional<Event> latest = warnings.isEmpty() ? Optional.empty() : Optional.of(warnings.get(warnings.size() - 1));
    List<Pod> consumers = consumers(claim, view);
    if (latest.isEmpty() && consumers.isEmpty() && waitsForFirstConsumer(claim)) {
      return List.of();
    }
    return List.of(finding(claim, latest, consumers, context.threshold()));
  }

  /** Events about a claim, and pods that use claims: a new consumer can turn a quiet claim into a finding. */
  @Override
  protected Collection<String> subjectsOfRelated(HasMetadata changed, ClusterView view) {
    if (changed instanceof Event event) {
      ObjectReference about = event.getInvolvedObject();
      return about != null && "PersistentVolumeClaim".equals(about.getKind()) && about.getName() != null
          ? List.of(Keys.of(about.getNamespace(), about.getName())) : List.of();
    }
    if (changed instanceof Pod pod) {
      List<String> claims = claimNames(pod);
      // Most pods use no claim: their every update would otherwise build a stream for nothing.
      return claims.isEmpty() ? List.of()
          : claims.stream().map(name -> Keys.of(pod.getMetadata().getNamespace(), name)).toList();
    }
    return List.of();
  }

  /**
   * What a claim of a WaitForFirstConsumer class looks like before any pod uses it: no node selected, not handed
   * to a provisioner, no particular volume asked for, a class named. The class itself is not read by clusterdoc.
   */
  private static boolean waitsForFirstConsumer(PersistentVolumeClaim claim) {
    Map<String, String> annotations = Objects.requireNonNullElse(claim.getMetadata().getAnnotations(), Map.of());
    return !annotations.containsKey(SELECTED_NODE) && provisioner(claim).isEmpty()
        && specField(claim, PersistentVolumeClaimSpec::getVolumeName).isEmpty()
        && specField(claim, PersistentVolumeClaimSpec::getStorageClassName).isPresent();
  }

  /** Pods not yet finished that mount the claim, directly or as a generic ephemeral volume. */
  private static List<Pod> consumers(PersistentVolumeClaim claim, ClusterView view) {
    String name = claim.getMetadata().getName();
    return view.podsInNamespace(claim.getMetadata().getNamespace()).stream()
        .filter(pod -> pod.getStatus() == null || !List.of("Succeeded", "Failed").contains(pod.getStatus().getPhase()))
        .filter(pod -> claimNames(pod).contains(name))
        .toList();
  }

  /** A generic ephemeral volume's claim is named {@code <pod>-<volume>}. */
  private static List<String> claimNames(Pod pod) {
    List<Volume> volumes = pod.getSpec() == null ? null : pod.getSpec().getVolumes();
    if (volumes == null) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    for (Volume volume : volumes) {
      if (volume.getPersistentVolumeClaim() != null && volume.getPersistentVolumeClaim().getClaimName() != null) {
        names.add(volume.getPersistentVolumeClaim().getClaimName());
      } else if (volume.getEphemeral() != null) {
        names.add(pod.getMetadata().getName() + "-" + volume.getName());
      }
    }
    return names;
  }

  private Finding finding(PersistentVolumeClaim claim, Optional<Event> latest, List<Pod> consumers,
      Duration threshold) {
    Blocker blocker = blocker(claim, latest, consumers);
    String reported = latest.map(e -> ": " + e.getReason() + ": " + withoutFinalPeriod(e.getMessage())).orElse("");
    String explanation = blocker.explanation.replace("{provisioner}", provisioner(claim).orElse(""));
    return finding(claim)
        .message("PersistentVolumeClaim " + Keys.of(claim) + " (" + request(claim) + ") has been Pending since it "
            + "was created at " + claim.getMetadata().getCreationTimestamp() + ", longer than "
            + Durations.format(threshold) + reported + ".")
        .cause(explanation + usedBy(consumers))
        .remediation(blocker.remediation
            .replace("{class}", specField(claim, PersistentVolumeClaimSpec::getStorageClassName).orElse("CLASS"))
            .replace("{volume}", specField(claim, PersistentVolumeClaimSpec::getVolumeName).orElse("VOLUME"))
            + " Pods using the claim stay Pending until it is Bound.")
        .related(consumers.stream().map(ObjectRef::of).toList())
        .build();
  }

  private static Blocker blocker(PersistentVolumeClaim claim, Optional<Event> latest, List<Pod> consumers) {
    if (latest.isPresent()) {
      Event event = latest.get();
      String message = Objects.requireNonNullElse(event.getMessage(), "");
      if (MISSING_CLASS.matcher(message).find()) {
        return Blocker.MISSING_STORAGE_CLASS;
      }
      if ("ProvisioningFailed".equals(event.getReason())) {
        return Blocker.PROVISIONING_FAILED;
      }
      return "FailedBinding".equals(event.getReason()) ? Blocker.NO_MATCHING_VOLUME : Blocker.OTHER_WARNING;
    }
    if (specField(claim, PersistentVolumeClaimSpec::getVolumeName).isPresent()) {
      return Blocker.PRE_BOUND;
    }
    if (provisioner(claim).isPresent()) {
      return Blocker.WAITING_FOR_PROVISIONER;
    }
    Map<String, String> annotations = Objects.requireNonNullElse(claim.getMetadata().getAnnotations(), Map.of());
    return !consumers.isEmpty() && !annotations.containsKey(SELECTED_NODE) ? Blocker.WAITING_FOR_POD
        : Blocker.UNEXPLAINED;
  }

  /** "10Gi, ReadWriteOnce, StorageClass fast" */
  private static String request(PersistentVolumeClaim claim) {
    PersistentVolumeClaimSpec spec = claim.getSpec();
    if (spec == null) {
      return "no spec";
    }
    List<String> parts = new ArrayList<>();
    Optional.ofNullable(spec.getResources()).map(r -> r.getRequests()).map(requests -> requests.get("storage"))
        .map(Quantity::toString).ifPresent(parts::add);
    if (spec.getAccessModes() != null && !spec.getAccessModes().isEmpty()) {
      parts.add(String.join(",", spec.getAccessModes()));
    }
    String storageClass = spec.getStorageClassName();
    parts.add(storageClass == null ? "no StorageClass named"
        : storageClass.isEmpty() ? "storageClassName \"\"" : "StorageClass " + storageClass);
    return String.join(", ", parts);
  }

  private static String usedBy(List<Pod> consumers) {
    if (consumers.isEmpty()) {
      return "";
    }
    List<String> names = consumers.stream().map(pod -> pod.getMetadata().getName()).sorted().toList();
    String shown = String.join(", ", names.subList(0, Math.min(SHOWN_PODS, names.size())))
        + (names.size() > SHOWN_PODS ? " and " + (names.size() - SHOWN_PODS) + " more" : "");
    return " Used by pod(s) " + shown + ".";
  }

  private static Optional<String> provisioner(PersistentVolumeClaim claim) {
    Map<String, String> annotations = Objects.requireNonNullElse(claim.getMetadata().getAnnotations(), Map.of());
    return PROVISIONER.stream().map(annotations::get).filter(name -> !isBlank(name)).findFirst();
  }

  /** A spec field that is set and not blank. */
  private static Optional<String> specField(PersistentVolumeClaim claim,
      Function<PersistentVolumeClaimSpec, String> field) {
    return Optional.ofNullable(claim.getSpec()).map(field).filter(value -> !isBlank(value));
  }

  private static String withoutFinalPeriod(String text) {
    String trimmed = text == null ? "" : text.trim();
    return trimmed.endsWith(".") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }

  private static Optional<Instant> parse(String timestamp) {
    try {
      return Optional.ofNullable(timestamp).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
