package io.clusterdoc.rules.namespaces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.NamespaceFilter;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.testing.DemoCluster;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.APIService;
import io.fabric8.kubernetes.api.model.APIServiceBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamespaceStuckTerminatingTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "stuck-namespaces.yaml";
  /** The blanket finalizer removal; only safe when nothing is left in the namespace. */
  private static final String FINALIZE = "/finalize";

  private static Scenario loaded() {
    return Scenario.of(new NamespaceStuckTerminating(), NOW).load(NamespaceStuckTerminatingTest.class, FIXTURE);
  }

  private static Namespace namespace(Scenario scenario, String name) {
    return scenario.store().get(Namespace.class, name).orElseThrow();
  }

  @Test
  void reportsEveryNamespaceTerminatingLongerThanTheThreshold() {
    Scenario scenario = loaded();

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactlyInAnyOrder(
        "monitoring-old", "ci-runner-42", "legacy-crm", "payments-staging", "cattle-project-p-66lfd");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("namespace-stuck-terminating");
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.object().kind()).isEqualTo("Namespace");
      assertThat(f.cause()).doesNotEndWith("…");
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void aDiscoveryFailureNamesTheGroupAndRelatesItsUnavailableApiService() {
    Finding finding = loaded().findingOn("monitoring-old");

    assertThat(finding.message()).contains("Namespace monitoring-old", "since 2026-11-20T08:00:00Z", "longer than 5m",
        "discovery of metrics.k8s.io/v1beta1 fails");
    assertThat(finding.cause())
        .contains("cannot list metrics.k8s.io/v1beta1")
        .contains("APIService v1beta1.metrics.k8s.io is not Available: FailedDiscoveryCheck")
        .contains("spec.finalizers still holds kubernetes");
    assertThat(finding.remediation())
        .contains("kubectl delete apiservice v1beta1.metrics.k8s.io", "repair its backing service")
        .doesNotContain(FINALIZE);
    assertThat(finding.related()).extracting(ObjectRef::kind, ObjectRef::name)
        .containsExactly(tuple("APIService", "v1beta1.metrics.k8s.io"));
  }

  @Test
  void remainingContentAndItsFinalizersAreNamedAndNeverForced() {
    Finding finding = loaded().findingOn("ci-runner-42");

    assertThat(finding.message())
        .contains("resources remain: persistentvolumeclaims (1), pods (2)")
        .contains("finalizers remain: kubernetes.io/pvc-protection (1)");
    assertThat(finding.remediation())
        .contains("kubectl -n ci-runner-42 get persistentvolumeclaims,pods")
        .contains("kube-controller-manager removes it once no pod uses the claim")
        .contains("only once its controller is gone for good")
        .doesNotContain(FINALIZE, "finalizers = []");
    assertThat(finding.related()).isEmpty();
  }

  @Test
  void aFailingDeleteQuotesTheControllersError() {
    Finding finding = loaded().findingOn("legacy-crm");

    assertThat(finding.message()).contains("deleting some of its content fails");
    assertThat(finding.cause()).contains("NamespaceDeletionContentFailure", "conversion webhook for crm.example.com/v2");
    assertThat(finding.remediation()).contains("webhook").doesNotContain(FINALIZE);
  }

  @Test
  void aThirdPartyFinalizerOnTheNamespaceIsNotForced() {
    Finding finding = loaded().findingOn("cattle-project-p-66lfd");

    assertThat(finding.message()).contains("controller.cattle.io/namespace-auth");
    assertThat(finding.cause()).contains("metadata.finalizers [controller.cattle.io/namespace-auth]");
    assertThat(finding.remediation()).contains("controller behind controller.cattle.io/namespace-auth")
        .doesNotContain(FINALIZE);
  }

  @Test
  void whenNothingIsLeftTheFinalizeRecipeComesWithItsCaveat() {
    Finding finding = loaded().findingOn("payments-staging");

    assertThat(finding.message()).contains("reports nothing left");
    assertThat(finding.cause()).contains("Every deletion condition is False", "spec.finalizers still holds kubernetes");
    assertThat(finding.remediation())
        .contains("kube-controller-manager")
        .contains("kubectl get ns payments-staging -o json | jq '.spec.finalizers = []' | kubectl replace --raw "
            + "/api/v1/namespaces/payments-staging/finalize -f -")
        .contains("Caveat", "orphaned");
  }

  @Test
  void becomesStuckWhenTheThresholdPassesWithoutAnyObjectChange() {
    Scenario scenario = loaded();
    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("team-a-preview");
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-11-20T10:08:00Z"));

    scenario.advance(Duration.ofMinutes(2));
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).doesNotContain("team-a-preview");

    scenario.advance(Duration.ofMinutes(1));
    Finding finding = scenario.findingOn("team-a-preview");
    assertThat(finding.message()).contains("since 2026-11-20T10:03:00Z", "resources remain: pods (1)");
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).contains("team-a-preview");
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }

  @Test
  void theThresholdComesFromTheDiagnosis() {
    EngineConfig fourHours = new EngineConfig(Set.of(), NamespaceFilter.ALL,
        Map.of(NamespaceStuckTerminating.ID, Threshold.of(Duration.ofHours(4))));
    Scenario scenario = Scenario.of(List.of(new NamespaceStuckTerminating()), fourHours, NOW)
        .load(getClass(), FIXTURE);

    Finding finding = scenario.single();
    assertThat(finding.object().name()).isEqualTo("payments-staging");
    assertThat(finding.message()).contains("longer than 4h");
  }

  @Test
  void theDeletedNamespaceResolvesTheFinding() {
    Scenario scenario = loaded();

    scenario.delete(namespace(scenario, "monitoring-old"));

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain("monitoring-old");
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("monitoring-old");
  }

  @Test
  void newConditionsFromTheControllerUpdateTheSameFinding() {
    Scenario scenario = loaded();
    Namespace progressed = new NamespaceBuilder(namespace(scenario, "ci-runner-42")).editStatus()
        .editMatchingCondition(c -> "NamespaceContentRemaining".equals(c.getType()))
        .withStatus("False").withReason("ContentRemoved").withMessage("All content successfully removed")
        .endCondition()
        .editMatchingCondition(c -> "NamespaceFinalizersRemaining".equals(c.getType()))
        .withStatus("False").withReason("ContentHasNoFinalizers")
        .withMessage("All content-preserving finalizers finished").endCondition()
        .endStatus().build();

    scenario.apply(progressed);

    assertThat(scenario.findingOn("ci-runner-42").remediation()).contains(FINALIZE);
    assertThat(scenario.resolved()).isEmpty();
  }

  @Test
  void aChangedApiServiceReEvaluatesTheTerminatingNamespaces() {
    Scenario scenario = loaded();
    APIService metrics = scenario.store().get(APIService.class, "v1beta1.metrics.k8s.io").orElseThrow();

    assertThat(new NamespaceStuckTerminating().subjectsAffectedBy(metrics, scenario.store()))
        .contains("monitoring-old", "team-a-preview").doesNotContain("default");

    scenario.apply(new APIServiceBuilder(metrics).editStatus()
        .editMatchingCondition(c -> "Available".equals(c.getType()))
        .withStatus("True").withReason("Passed").withMessage("all checks passed").endCondition()
        .endStatus().build());

    Finding finding = scenario.findingOn("monitoring-old");
    assertThat(finding.related()).isEmpty();
    assertThat(finding.cause()).doesNotContain("FailedDiscoveryCheck");
    assertThat(finding.remediation()).contains("kubectl get apiservice v1beta1.metrics.k8s.io");
  }

  @Test
  void aGroupVersionParsingFailureIsExplained() {
    Namespace parsing = terminating("broken-crd", "2026-11-20T09:00:00Z")
        .withNewStatus().withPhase("Terminating").addNewCondition()
        .withType("NamespaceDeletionGroupVersionParsingFailure").withStatus("True")
        .withReason("GroupVersionParsingFailed")
        .withMessage("unexpected GroupVersion string: crm.example.com/v2/extra").endCondition().endStatus()
        .build();

    Finding finding = Scenario.of(new NamespaceStuckTerminating(), NOW).apply(parsing).single();

    assertThat(finding.message()).contains("cannot be parsed");
    assertThat(finding.cause()).contains("crm.example.com/v2/extra");
    assertThat(finding.remediation()).contains("kubectl get apiservices").doesNotContain(FINALIZE);
  }

  @Test
  void aNamespaceTheControllerNeverReportedOnPointsAtTheControllerNotAtForcing() {
    Namespace silent = terminating("orphaned", "2026-11-20T09:00:00Z").build();

    Finding finding = Scenario.of(new NamespaceStuckTerminating(), NOW).apply(silent).single();

    assertThat(finding.cause()).contains("no deletion conditions");
    assertThat(finding.remediation()).contains("kube-controller-manager", "kubectl api-resources --verbs=list")
        .doesNotContain(FINALIZE);
  }

  @Test
  void malformedNamespacesAreLeftAlone() {
    Namespace badTimestamp = terminating("odd", "yesterday").build();
    Namespace bare = new NamespaceBuilder().withNewMetadata().withName("bare").endMetadata().build();

    Scenario scenario = Scenario.of(new NamespaceStuckTerminating(), NOW).apply(badTimestamp).apply(bare);

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }

  @Test
  void firesOnEveryStuckNamespaceOfTheDemoClusterAndNotOnTheActiveOnes() {
    Scenario scenario = DemoCluster.load(Scenario.of(new NamespaceStuckTerminating(), NOW), "namespaces.yaml");

    assertThat(scenario.findings()).extracting(f -> f.object().name()).containsExactlyInAnyOrder(
        "monitoring-old", "ci-runner-42", "crm-sandbox", "legacy-crm", "reports-archive", "payments-staging",
        "cattle-project-p-66lfd");
    assertThat(scenario.findingOn("crm-sandbox").message())
        .contains("contacts.crm.example.com (3)", "crm.example.com/cleanup (3)");
    assertThat(scenario.findingOn("reports-archive").message()).contains("cannot be parsed");
  }

  private static NamespaceBuilder terminating(String name, String deletionTimestamp) {
    return new NamespaceBuilder().withNewMetadata().withName(name).withDeletionTimestamp(deletionTimestamp)
        .endMetadata();
  }
}
