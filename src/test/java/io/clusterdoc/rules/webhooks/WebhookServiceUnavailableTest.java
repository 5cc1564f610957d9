package io.clusterdoc.rules.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import org.junit.jupiter.api.Test;

class WebhookServiceUnavailableTest {
  private static final String NOW = "2026-11-20T10:05:00Z";

  private static Scenario loaded() {
    return Scenario.of(new WebhookServiceUnavailable(), NOW).load(WebhookServiceUnavailableTest.class,
        "webhooks.yaml");
  }

  private static Endpoints endpoints(Scenario scenario, String key) {
    return scenario.store().get(Endpoints.class, key).orElseThrow();
  }

  @Test
  void reportsEachConfigurationWithAFailClosedWebhookWhoseServiceIsUnavailable() {
    Scenario scenario = loaded();

    assertThat(scenario.findings()).extracting(f -> f.object().display()).containsExactlyInAnyOrder(
        "ValidatingWebhookConfiguration/ingress-nginx-admission",
        "MutatingWebhookConfiguration/cert-manager-webhook",
        "MutatingWebhookConfiguration/orders-defaults");
    assertThat(scenario.findings()).allSatisfy(f -> {
      assertThat(f.rule()).isEqualTo("webhook-service-unavailable");
      assertThat(f.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(f.cause()).doesNotEndWith("…");
      assertThat(f.remediation()).doesNotEndWith("…");
    });
  }

  @Test
  void aServiceWithoutEndpointsIsNamedWithWhatTheWebhookIntercepts() {
    Finding finding = loaded().findingOn("ingress-nginx-admission");

    assertThat(finding.message()).isEqualTo("ValidatingWebhookConfiguration ingress-nginx-admission: webhook "
        + "validate.nginx.ingress.kubernetes.io calls Service ingress-nginx/ingress-nginx-controller-admission, "
        + "which has no ready endpoint; it intercepts CREATE, UPDATE on ingresses.networking.k8s.io. With "
        + "failurePolicy Fail the API server rejects every such write.");
    assertThat(finding.cause())
        .contains("failed calling webhook", "no endpoints available for service")
        .contains("Endpoints ingress-nginx/ingress-nginx-controller-admission lists no address.")
        .doesNotContain("pod creation");
    assertThat(finding.remediation())
        .contains("kubectl -n ingress-nginx get pods -l app.kubernetes.io/component=controller,"
            + "app.kubernetes.io/instance=ingress-nginx,app.kubernetes.io/name=ingress-nginx")
        .contains("kubectl delete validatingwebhookconfiguration ingress-nginx-admission")
        .contains("kubectl patch validatingwebhookconfiguration ingress-nginx-admission --type=json -p "
            + "'[{\"op\":\"replace\",\"path\":\"/webhooks/0/failurePolicy\",\"value\":\"Ignore\"}]'")
        .contains("Caveats", "admitted without the webhook", "set Fail again");
    assertThat(finding.related()).extracting(ObjectRef::kind, ObjectRef::namespace, ObjectRef::name)
        .containsExactly(tuple("Service", "ingress-nginx", "ingress-nginx-controller-admission"));
  }

  @Test
  void aMissingServiceIsTheLeftoverOfAnUninstalledAddOn() {
    Finding finding = loaded().findingOn("cert-manager-webhook");

    assertThat(finding.message()).contains("webhook webhook.cert-manager.io calls Service "
        + "cert-manager/cert-manager-webhook, which does not exist; it intercepts CREATE, UPDATE on all resources "
        + "of cert-manager.io, all resources of acme.cert-manager.io");
    assertThat(finding.cause()).contains("There is no Service cert-manager/cert-manager-webhook.");
    assertThat(finding.remediation())
        .contains("reinstall the add-on that provides Service cert-manager/cert-manager-webhook")
        .contains("kubectl delete mutatingwebhookconfiguration cert-manager-webhook", "uninstalled add-on");
    assertThat(finding.related()).isEmpty();
  }

  @Test
  void namesEveryFailingWebhookOfTheConfigurationAndOnlyThose() {
    Finding finding = loaded().findingOn("orders-defaults");

    assertThat(finding.message())
        .contains("webhook default.orders.example.com calls Service orders/orders-webhook, which has no ready "
            + "endpoint; it intercepts CREATE on pods")
        .contains("webhook quota.orders.example.com calls Service orders/orders-quota, which has no ready "
            + "endpoint; it intercepts every operation on purchaseorders.orders.example.com")
        .doesNotContain("audit.orders.example.com", "label.orders.example.com");
    assertThat(finding.cause())
        .contains("Endpoints orders/orders-webhook lists only not-ready addresses: pod "
            + "orders-webhook-5d7c8b9f4-r2t6n (10.244.1.58).")
        .contains("Endpoints orders/orders-quota lists no address.")
        .contains("Webhook default.orders.example.com intercepts pod creation in every namespace")
        .doesNotContain("Webhook quota.orders.example.com intercepts pod creation");
    assertThat(finding.remediation()).contains("/webhooks/0/failurePolicy", "/webhooks/3/failurePolicy")
        .doesNotContain("/webhooks/1/", "/webhooks/2/");
    assertThat(finding.related()).extracting(ObjectRef::name).containsExactly("orders-webhook", "orders-quota");
  }

  @Test
  void anEndpointsChangeReEvaluatesTheConfigurationsThatCallItsService() {
    Scenario scenario = loaded();
    Endpoints webhook = endpoints(scenario, "orders/orders-webhook");
    Endpoints ready = new EndpointsBuilder(webhook).editFirstSubset()
        .withAddresses(webhook.getSubsets().get(0).getNotReadyAddresses()).withNotReadyAddresses().endSubset()
        .build();

    assertThat(new WebhookServiceUnavailable().subjectsAffectedBy(ready, scenario.store()))
        .containsExactly("MutatingWebhookConfiguration/orders-defaults");
    scenario.apply(ready);

    Finding finding = scenario.findingOn("orders-defaults");
    assertThat(finding.message()).contains("quota.orders.example.com").doesNotContain("default.orders.example.com");
    assertThat(scenario.resolved()).isEmpty();

    Endpoints quota = endpoints(scenario, "orders/orders-quota");
    scenario.apply(new EndpointsBuilder(quota).addNewSubset().addNewAddress().withIp("10.244.2.60").endAddress()
        .addNewPort().withPort(8443).withProtocol("TCP").endPort().endSubset().build());
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("orders-defaults");
  }

  @Test
  void aServiceChangeReEvaluatesTheConfigurationsThatCallIt() {
    Scenario scenario = loaded();
    Service certManager = new ServiceBuilder().withNewMetadata().withNamespace("cert-manager")
        .withName("cert-manager-webhook").withUid("5e0c7a1b-9f3d-4c2e-8a6b-1d2e3f4a5b6c").endMetadata()
        .withNewSpec().addToSelector("app.kubernetes.io/name", "webhook").addNewPort().withName("https").withPort(443)
        .endPort().endSpec().build();

    assertThat(new WebhookServiceUnavailable().subjectsAffectedBy(certManager, scenario.store()))
        .containsExactly("MutatingWebhookConfiguration/cert-manager-webhook");
    scenario.apply(certManager);
    // Endpoints not yet in view: nothing says they are empty.
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("cert-manager-webhook");

    scenario.apply(new EndpointsBuilder().withNewMetadata().withNamespace("cert-manager")
        .withName("cert-manager-webhook").endMetadata().build());
    assertThat(scenario.findingOn("cert-manager-webhook").cause())
        .contains("Endpoints cert-manager/cert-manager-webhook lists no address.");
  }

  @Test
  void unrelatedObjectsMapToNoConfiguration() {
    Scenario scenario = loaded();

    assertThat(new WebhookServiceUnavailable().subjectsAffectedBy(endpoints(scenario, "orders/orders-policy"),
        scenario.store())).containsExactly("ValidatingWebhookConfiguration/orders-policy");
    assertThat(new WebhookServiceUnavailable().subjectsAffectedBy(new ServiceBuilder().withNewMetadata()
        .withNamespace("orders").withName("unrelated").endMetadata().build(), scenario.store())).isEmpty();
  }

  @Test
  void anUnsetFailurePolicyIsFailAndIgnoreUrlOrNoRulesAreNot() {
    Scenario scenario = loaded();
    ValidatingWebhookConfiguration policy = scenario.store()
        .get(ValidatingWebhookConfiguration.class, "orders-policy").orElseThrow();
    Service ignored = new ServiceBuilder().withNewMetadata().withNamespace("orders").withName("gone").endMetadata()
        .build();

    scenario.apply(new ValidatingWebhookConfigurationBuilder(policy).editFirstWebhook().withFailurePolicy(null)
        .editClientConfig().editService().withName("orders-quota").endService().endClientConfig().endWebhook()
        .build());
    assertThat(scenario.findingOn("orders-policy").message()).contains("policy.orders.example.com");

    scenario.apply(new ValidatingWebhookConfigurationBuilder(policy).editFirstWebhook().withFailurePolicy("Ignore")
        .editClientConfig().editService().withName("orders-quota").endService().endClientConfig().endWebhook()
        .addNewWebhook().withName("url.orders.example.com").withFailurePolicy("Fail").withNewClientConfig()
        .withUrl("https://policy.example.com/validate").endClientConfig().endWebhook()
        .addNewWebhook().withName("norules.orders.example.com").withFailurePolicy("Fail").withNewClientConfig()
        .withNewService().withNamespace("orders").withName(ignored.getMetadata().getName()).endService()
        .endClientConfig().endWebhook()
        .build());
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly("orders-policy");
  }

  @Test
  void manyFailingWebhooksAreRelaxedWithOneCommandThatFits() {
    Scenario scenario = loaded();
    ValidatingWebhookConfiguration nginx = scenario.store()
        .get(ValidatingWebhookConfiguration.class, "ingress-nginx-admission").orElseThrow();
    ValidatingWebhookConfigurationBuilder many = new ValidatingWebhookConfigurationBuilder(nginx);
    for (String name : new String[] {"a", "b", "c"}) {
      many.addToWebhooks(new ValidatingWebhookBuilder(nginx.getWebhooks().get(0))
          .withName(name + ".nginx.ingress.kubernetes.io").build());
    }

    scenario.apply(many.build());

    Finding finding = scenario.findingOn("ingress-nginx-admission");
    assertThat(finding.message()).contains("c.nginx.ingress.kubernetes.io");
    assertThat(finding.remediation())
        .contains("kubectl get validatingwebhookconfiguration ingress-nginx-admission -o json | jq "
            + "'(.webhooks[] | select(.failurePolicy != \"Ignore\")).failurePolicy = \"Ignore\"' | kubectl "
            + "replace -f -")
        .doesNotContain("kubectl patch")
        .endsWith("set Fail back once the backend is Ready.");
  }

  @Test
  void anExternalNameServiceIsNotJudgedByEndpoints() {
    Scenario scenario = loaded();
    Service quota = scenario.store().get(Service.class, "orders/orders-quota").orElseThrow();

    scenario.apply(new ServiceBuilder(quota).editSpec().withType("ExternalName")
        .withExternalName("quota.example.com").withSelector(null).endSpec().build());

    assertThat(scenario.findingOn("orders-defaults").message()).doesNotContain("quota.orders.example.com");
  }

  @Test
  void aConfigurationWithoutWebhooksIsNotAnError() {
    ValidatingWebhookConfiguration empty = new ValidatingWebhookConfigurationBuilder().withNewMetadata()
        .withName("empty").endMetadata().build();

    assertThat(Scenario.of(new WebhookServiceUnavailable(), NOW).apply(empty).findings()).isEmpty();
  }
}
