package io.clusterdoc.rules.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.NamespaceFilter;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.Threshold;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The certificates under certificates/ were made once with keytool, with fixed validity dates around NOW: warning
 * ends 2026-12-10, critical 2026-11-23T12:00, expired 2026-11-01, later 2027-01-01, healthy and second in 2036.
 */
class CertificateExpiringTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String FIXTURE = "kube-root-ca.yaml";

  private final CertificateExpiring rule = new CertificateExpiring();

  private static Scenario loaded() {
    return Scenario.of(new CertificateExpiring(), NOW).load(CertificateExpiringTest.class, FIXTURE);
  }

  private static ConfigMap copy(Scenario scenario, String namespace) {
    return scenario.store().get(ConfigMap.class, namespace, CertificateExpiring.CONFIG_MAP).orElseThrow();
  }

  private static ConfigMap withBundle(ConfigMap copy, String... certificates) {
    StringBuilder bundle = new StringBuilder();
    for (String certificate : certificates) {
      bundle.append(pem(certificate));
    }
    return new ConfigMapBuilder(copy).withData(Map.of(CertificateExpiring.KEY, bundle.toString())).build();
  }

  private static String pem(String name) {
    try (InputStream in = CertificateExpiringTest.class.getResourceAsStream("certificates/" + name + ".pem")) {
      assertThat(in).as("certificate %s", name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every copy holds the same bundle, as kube-controller-manager writes them. */
  private static Scenario everywhere(Scenario scenario, String... certificates) {
    for (String namespace : List.of("default", "kube-system", "shop")) {
      scenario.apply(withBundle(copy(scenario, namespace), certificates));
    }
    return scenario;
  }

  @Test
  void aCaExpiringWithinThirtyDaysIsReportedOnceOnTheKubeSystemCopy() {
    Scenario scenario = loaded();

    Finding finding = scenario.single();

    assertThat(finding.rule()).isEqualTo("certificate-expiring");
    assertThat(finding.severity()).isEqualTo(Severity.WARNING);
    assertThat(finding.object()).isEqualTo(ObjectRef.of(copy(scenario, "kube-system")));
    assertThat(finding.message()).isEqualTo("Cluster CA certificate CN=kubernetes in ConfigMap "
        + "kube-system/kube-root-ca.crt expires on 2026-12-10T00:00:00Z, within 30d.");
    assertThat(finding.cause()).contains("kube-controller-manager publishes the cluster CA",
        "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt", "When it expires");
    assertThat(finding.remediation())
        .contains("kubeadm certs check-expiration", "kubeadm certs renew all", "never the CA itself", "10 years",
            "planned operation", "raise this rule's threshold")
        .doesNotEndWith("…");
  }

  @Test
  void withoutAKubeSystemCopyTheFirstNamespaceCarriesTheFinding() {
    Scenario scenario = loaded();

    scenario.delete(copy(scenario, "kube-system"));

    assertThat(scenario.single().object().namespace()).isEqualTo("default");
    assertThat(scenario.resolved()).extracting(f -> f.object().namespace()).containsExactly("kube-system");
  }

  @Test
  void theWarningTurnsCriticalSevenDaysBeforeAndSaysExpiredAfterwards() {
    Scenario scenario = loaded();
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-12-03T00:00:00Z"));

    scenario.advance(Duration.between(Instant.parse(NOW), Instant.parse("2026-12-03T00:00:00Z")));
    assertThat(scenario.single().severity()).isEqualTo(Severity.CRITICAL);
    assertThat(scenario.single().message()).endsWith("expires on 2026-12-10T00:00:00Z, within 7d.");
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-12-10T00:00:00Z"));

    scenario.advance(Duration.ofDays(7));
    assertThat(scenario.single().message()).endsWith("expired on 2026-12-10T00:00:00Z.");
    assertThat(scenario.single().cause()).contains("x509: certificate has expired or is not yet valid");
    assertThat(scenario.single().remediation()).contains("recovered from the control-plane nodes");
    assertThat(scenario.engine().nextRecheck()).isEmpty();
  }

  @Test
  void anExpiredCaIsCritical() {
    Scenario scenario = everywhere(loaded(), "expired");

    Finding finding = scenario.single();
    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(finding.message()).isEqualTo("Cluster CA certificate CN=kubernetes in ConfigMap "
        + "kube-system/kube-root-ca.crt expired on 2026-11-01T00:00:00Z.");
  }

  @Test
  void aCaDueInThreeDaysIsCritical() {
    Finding finding = everywhere(loaded(), "critical").single();

    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(finding.message()).endsWith("expires on 2026-11-23T12:00:00Z, within 7d.");
  }

  @Test
  void aCaDueLaterIsReportedWhenItEntersTheWindow() {
    Scenario scenario = everywhere(loaded(), "later");
    assertThat(scenario.findings()).isEmpty();
    // While the copies were replaced one by one, the old certificate was last seen in shop.
    assertThat(scenario.resolved()).extracting(f -> f.object().namespace()).containsExactly("kube-system", "shop");
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2026-12-02T00:00:00Z"));

    scenario.advance(Duration.between(Instant.parse(NOW), Instant.parse("2026-12-02T00:00:00Z")));

    assertThat(scenario.single().message()).endsWith("expires on 2027-01-01T00:00:00Z, within 30d.");
  }

  @Test
  void aLongerThresholdWarnsEarlier() {
    EngineConfig ninetyDays = new EngineConfig(Set.of(), NamespaceFilter.ALL,
        Map.of(CertificateExpiring.ID, Threshold.of(Duration.ofDays(90))));
    Scenario scenario = Scenario.of(List.of(new CertificateExpiring()), ninetyDays, NOW).load(getClass(), FIXTURE);

    everywhere(scenario, "later");

    assertThat(scenario.single().severity()).isEqualTo(Severity.WARNING);
    assertThat(scenario.single().message()).endsWith("within 90d.");
  }

  @Test
  void onlyTheExpiringCertificatesOfABundleAreNamed() {
    Scenario scenario = everywhere(loaded(), "healthy", "critical");
    assertThat(scenario.single().message()).isEqualTo("Cluster CA certificate CN=kubernetes in ConfigMap "
        + "kube-system/kube-root-ca.crt expires on 2026-11-23T12:00:00Z, within 7d.");

    everywhere(scenario, "expired", "second", "warning");
    assertThat(scenario.single().severity()).isEqualTo(Severity.CRITICAL);
    assertThat(scenario.single().message()).isEqualTo("2 cluster CA certificates in ConfigMap "
        + "kube-system/kube-root-ca.crt are near or past their expiry: CN=kubernetes expired on 2026-11-01T00:00:00Z; "
        + "CN=kubernetes expires on 2026-12-10T00:00:00Z.");
  }

  @Test
  void eachDistinctCertificateIsReportedOnceWhereverItFirstAppears() {
    Scenario scenario = loaded();
    // A rotation half done: kube-system already trusts a new CA next to the old one, shop still has another.
    scenario.apply(withBundle(copy(scenario, "kube-system"), "warning", "second"));
    scenario.apply(withBundle(copy(scenario, "shop"), "warning", "critical"));

    assertThat(scenario.findings()).extracting(f -> f.object().namespace() + " " + f.severity())
        .containsExactlyInAnyOrder("kube-system warning", "shop critical");
    assertThat(scenario.findings()).filteredOn(f -> f.object().namespace().equals("shop")).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("2026-11-23T12:00:00Z").doesNotContain("2026-12-10"));
  }

  @Test
  void aHealthyCaAsksToBeLookedAtWhenItWillEnterTheWindow() {
    Scenario scenario = everywhere(loaded(), "healthy");

    assertThat(scenario.findings()).isEmpty();
    assertThat(scenario.engine().nextRecheck()).contains(Instant.parse("2036-10-11T00:00:00Z"));
  }

  @Test
  void malformedCertificatesAreNoFindingAndDoNotHideTheOthers() {
    String garbage = "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
    Scenario scenario = loaded();
    for (String namespace : List.of("default", "kube-system", "shop")) {
      scenario.apply(new ConfigMapBuilder(copy(scenario, namespace))
          .withData(Map.of(CertificateExpiring.KEY, garbage)).build());
    }
    assertThat(scenario.findings()).isEmpty();

    scenario.apply(new ConfigMapBuilder(copy(scenario, "shop"))
        .withData(Map.of(CertificateExpiring.KEY, garbage + pem("critical"))).build());
    assertThat(scenario.single().object().namespace()).isEqualTo("shop");

    scenario.apply(new ConfigMapBuilder(copy(scenario, "shop")).withData(null).build());
    assertThat(scenario.findings()).isEmpty();
  }

  @Test
  void onlyKubeRootCaCopiesAreItsSubject() {
    Scenario scenario = loaded();
    ConfigMap settings = scenario.store().get(ConfigMap.class, "shop", "shop-settings").orElseThrow();

    assertThat(rule.subjectsAffectedBy(settings, scenario.store())).isEmpty();
    assertThat(rule.subjectsAffectedBy(copy(scenario, "shop"), scenario.store()))
        .containsExactly(CertificateExpiring.ID);
  }

  @Test
  void aTlsSecretWhoseCertificateExpiresSoonIsReportedOnTheSecret() {
    Scenario scenario = Scenario.of(new CertificateExpiring(), NOW).load(getClass(), "tls-secrets.yaml");

    Finding finding = scenario.single();

    assertThat(finding.object().kind()).isEqualTo("Secret");
    assertThat(finding.object().name()).isEqualTo("shop-tls");
    assertThat(finding.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(finding.message()).startsWith("TLS Secret shop/shop-tls holds CN=kubernetes expires on 2026-11-23T12:00:00Z");
    assertThat(finding.remediation()).contains("kubectl -n shop describe certificate")
        .contains("kubectl -n shop create secret tls shop-tls");
  }

  @Test
  void onlyTheCertificateOfATlsSecretIsKept() {
    Scenario scenario = Scenario.of(new CertificateExpiring(), NOW).load(getClass(), "tls-secrets.yaml");

    Secret kept = scenario.store().get(Secret.class, "shop/shop-tls").orElseThrow();

    assertThat(kept.getData()).containsOnlyKeys("tls.crt");
    assertThat(kept.getMetadata().getAnnotations()).as("last-applied-configuration holds the key").isNullOrEmpty();
    assertThat(scenario.store().get(Secret.class, "shop/registry-credentials")).as("not a TLS Secret").isEmpty();
  }
}
