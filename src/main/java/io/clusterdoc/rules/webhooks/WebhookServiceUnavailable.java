package io.clusterdoc.rules.webhooks;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.AbstractRule;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.rules.Selectors;
import io.clusterdoc.rules.services.EndpointsReadiness;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ServiceReference;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * An admission webhook with failurePolicy Fail whose Service is missing or has no ready endpoint. The API server
 * cannot call it, so it rejects every write the webhook intercepts: a broken add-on blocks deployments, and a
 * webhook on pods can keep its own pods from being recreated.
 */
public final class WebhookServiceUnavailable extends AbstractRule {
  public static final String ID = "webhook-service-unavailable";

  private static final int PATCHED_ONE_BY_ONE = 3;

  /** One webhook the API server cannot reach, and why, in a sentence. */
  private record Failure(AdmissionWebhook webhook, ServiceReference reference, Optional<Service> service,
      String reason) {
  }

  public WebhookServiceUnavailable() {
    super(ID, Severity.CRITICAL,
        "Admission webhook with failurePolicy Fail calls a Service without ready endpoints: the writes it intercepts "
            + "fail", null, Kind.VALIDATING_WEBHOOK_CONFIGURATION, Kind.MUTATING_WEBHOOK_CONFIGURATION,
        Kind.SERVICE, Kind.ENDPOINTS);
  }

  /** A configuration maps to itself; a Service or Endpoints to the few configurations whose webhooks call it. */
  @Override
  public Collection<String> subjectsAffectedBy(HasMetadata changed, ClusterView view) {
    if (AdmissionWebhook.isConfiguration(changed)) {
      return List.of(AdmissionWebhook.subject(changed));
    }
    return configurations(view)
        .filter(configuration -> AdmissionWebhook.of(configuration).stream()
            .anyMatch(webhook -> webhook.calls(changed.getMetadata().getNamespace(), changed.getMetadata().getName())))
        .map(AdmissionWebhook::subject)
        .toList();
  }

  @Override
  public Collection<String> allSubjects(ClusterView view) {
    return configurations(view).map(AdmissionWebhook::subject).toList();
  }

  @Override
  public List<Finding> check(String subject, ClusterView view, RuleContext context) {
    return AdmissionWebhook.configuration(subject, view)
        .flatMap(configuration -> finding(configuration, view))
        .map(List::of)
        .orElse(List.of());
  }

  private Optional<Finding> finding(HasMetadata configuration, ClusterView view) {
    List<Failure> failures = AdmissionWebhook.of(configuration).stream()
        .filter(AdmissionWebhook::failsClosed)
        .map(webhook -> failure(webhook, view))
        .flatMap(Optional::stream)
        .toList();
    if (failures.isEmpty()) {
      return Optional.empty();
    }
    String display = configuration.getKind() + " " + configuration.getMetadata().getName();
    Finding.Builder finding = finding(ObjectRef.of(configuration))
        .message(display + ": " + failures.stream().map(WebhookServiceUnavailable::summary)
            .collect(Collectors.joining("; ")) + ". With failurePolicy Fail the API server rejects every such "
            + "write.")
        .cause(cause(failures))
        .remediation(remediation(configuration, failures));
    failures.stream().map(Failure::service).flatMap(Optional::stream).map(ObjectRef::of).distinct()
        .forEach(finding::related);
    return Optional.of(finding.build());
  }

  /**
   * A missing Service is certain; Endpoints are judged only when they are in view: the endpoints controller
   * always writes them for a Service with a selector, so their absence says the view is partial.
   */
  private static Optional<Failure> failure(AdmissionWebhook webhook, ClusterView view) {
    ServiceReference reference = webhook.service();
    Optional<Service> service = view.get(Service.class, reference.getNamespace(), reference.getName());
    if (service.isEmpty()) {
      return Optional.of(new Failure(webhook, reference, service, "There is no Service " + display(reference) + "."));
    }
    if (isExternalName(service.get())) {
      return Optional.empty();
    }
    return view.get(Endpoints.class, reference.getNamespace(), reference.getName())
        .filter(endpoints -> !EndpointsReadiness.anyReady(endpoints))
        .map(endpoints -> new Failure(webhook, reference, service, EndpointsReadiness.gap(endpoints)));
  }

  private static String summary(Failure failure) {
    return "webhook " + failure.webhook().name() + " calls Service " + display(failure.reference()) + ", which "
        + (failure.service().isPresent() ? "has no ready endpoint" : "does not exist") + "; it intercepts "
        + failure.webhook().intercepts();
  }

  private static String cause(List<Failure> failures) {
    List<String> parts = new ArrayList<>();
    parts.add("The API server calls the webhook before it admits a write the webhook's rules match; when the call "
        + "fails and failurePolicy is Fail (the default in admissionregistration.k8s.io/v1) it rejects the write: "
        + "\"Internal error occurred: failed calling webhook ...: no endpoints available for service ...\" (or "
        + "\"connect: connection refused\", or \"service ... not found\").");
    failures.stream().map(Failure::reason).distinct().forEach(parts::add);
    failures.stream().filter(f -> f.webhook().interceptsAllPodCreations())
        .map(f -> "Webhook " + f.webhook().name() + " intercepts pod creation in every namespace, so the pods that "
            + "would serve " + display(f.reference()) + " may be refused as well: it must be relaxed before they "
            + "can start.")
        .forEach(parts::add);
    return String.join(" ", parts);
  }

  private static String remediation(HasMetadata configuration, List<Failure> failures) {
    String resource = configuration.getKind().toLowerCase(Locale.ROOT) + " " + configuration.getMetadata().getName();
    String backends = failures.stream().map(WebhookServiceUnavailable::backendCheck).distinct()
        .collect(Collectors.joining("; "));
    String pods = failures.stream().anyMatch(f -> f.service().isPresent())
        ? " (describe the pods and read their logs; the service-no-endpoints finding on the Service says why none "
            + "is Ready)"
        : "";
    return "Fix the backend: " + backends + pods + ". In an emergency let "
        + "writes through: " + relaxCommand(resource, failures) + ", or delete the "
        + "configuration (kubectl delete " + resource + "; right for the leftover of an uninstalled add-on, "
        + "reinstalling the add-on recreates it). Caveats: meanwhile writes are admitted without the webhook (no "
        + "validation; no defaults or injected sidecars on objects created meanwhile), and the add-on's Helm chart "
        + "or operator may set Fail again; set Fail back once the backend is Ready.";
  }

  /** Sets the failing webhooks to Ignore; past a few, one patch operation each would not fit in a finding. */
  private static String relaxCommand(String resource, List<Failure> failures) {
    if (failures.size() > PATCHED_ONE_BY_ONE) {
      return "kubectl get " + resource + " -o json | jq '(.webhooks[] | select(.failurePolicy != \"Ignore\"))"
          + ".failurePolicy = \"Ignore\"' | kubectl replace -f -";
    }
    return "kubectl patch " + resource + " --type=json -p '" + failures.stream()
        .map(f -> "{\"op\":\"replace\",\"path\":\"/webhooks/" + f.webhook().index()
            + "/failurePolicy\",\"value\":\"Ignore\"}")
        .collect(Collectors.joining(",", "[", "]")) + "'";
  }

  private static String backendCheck(Failure failure) {
    ServiceReference reference = failure.reference();
    String kubectl = "kubectl -n " + reference.getNamespace();
    return failure.service()
        .map(service -> Selectors.of(service).map(selector -> kubectl + " get pods -l " + selector)
            .orElse(kubectl + " get endpoints " + reference.getName()))
        .orElse("reinstall the add-on that provides Service " + display(reference));
  }

  /** The API server resolves an ExternalName Service through DNS: no Endpoints are involved. */
  private static boolean isExternalName(Service service) {
    return service.getSpec() != null && "ExternalName".equals(service.getSpec().getType());
  }

  private static Stream<HasMetadata> configurations(ClusterView view) {
    return Stream.concat(view.all(ValidatingWebhookConfiguration.class).stream(),
        view.all(MutatingWebhookConfiguration.class).stream());
  }

  private static String display(ServiceReference reference) {
    return Objects.requireNonNullElse(reference.getNamespace(), "") + "/" + reference.getName();
  }
}
