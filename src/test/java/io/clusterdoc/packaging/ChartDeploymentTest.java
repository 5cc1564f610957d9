package io.clusterdoc.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The operator's pods as the chart renders them: hardened, probed, two replicas on different nodes. */
class ChartDeploymentTest {
  private static final Map<String, String> SELECTOR =
      Map.of("app.kubernetes.io/name", "clusterdoc", "app.kubernetes.io/instance", "diag");

  private final Manifests defaults = HelmChart.render();
  private final Deployment deployment = defaults.one(Deployment.class);
  private final PodSpec pod = deployment.getSpec().getTemplate().getSpec();
  private final Container operator = defaults.operator();

  @Test
  void twoReplicasWithLeaderElectionAndAPdbKeepingOne() {
    PodDisruptionBudget pdb = defaults.one(PodDisruptionBudget.class);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(operator.getArgs()).contains("--leader-election", "--lease-name=diag");
    assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(SELECTOR);
    assertThat(deployment.getSpec().getSelector().getMatchLabels()).isEqualTo(SELECTOR);
  }

  @Test
  void podRunsAsNonRootWithRuntimeDefaultSeccompAndItsToken() {
    assertThat(pod.getSecurityContext()).satisfies(context -> {
      assertThat(context.getRunAsNonRoot()).isTrue();
      assertThat(context.getRunAsUser()).isEqualTo(65532L);
      assertThat(context.getRunAsGroup()).isEqualTo(65532L);
      assertThat(context.getFsGroup()).isEqualTo(65532L);
      assertThat(context.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    });
    assertThat(pod.getAutomountServiceAccountToken()).isTrue();
    assertThat(pod.getServiceAccountName()).isEqualTo("diag");
  }

  @Test
  void containerHasAReadOnlyRootNoCapabilitiesNoEscalationAndAWritableTmp() {
    SecurityContext context = operator.getSecurityContext();

    assertThat(context.getReadOnlyRootFilesystem()).isTrue();
    assertThat(context.getAllowPrivilegeEscalation()).isFalse();
    assertThat(context.getPrivileged()).isNull();
    assertThat(context.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(context.getCapabilities().getAdd()).isEmpty();
    assertThat(operator.getVolumeMounts()).singleElement().satisfies(mount -> {
      assertThat(mount.getMountPath()).isEqualTo("/tmp");
      assertThat(pod.getVolumes()).filteredOn(v -> v.getName().equals(mount.getName())).singleElement()
          .satisfies(volume -> assertThat(volume.getEmptyDir()).isNotNull());
    });
  }

  @Test
  void servesMetricsAndProbesOnTheNamedPort() {
    assertThat(operator.getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getName()).isEqualTo("metrics");
      assertThat(port.getContainerPort()).isEqualTo(8080);
    });
    assertThat(operator.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(operator.getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("metrics"));
    assertThat(operator.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(operator.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString("metrics"));
    Service service = defaults.one(Service.class);
    assertThat(service.getSpec().getSelector()).isEqualTo(SELECTOR);
    assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getPort()).isEqualTo(8080);
      assertThat(port.getTargetPort()).isEqualTo(new IntOrString("metrics"));
    });
  }

  @Test
  void runsTheOperatorWithTheDefaultFlagsAndItsPodIdentity() {
    assertThat(operator.getImage()).isEqualTo("clusterdoc:dev");
    assertThat(operator.getArgs()).containsExactly("run", "--full-pass-interval=10m", "--status-interval=2s",
        "--remediation-interval=30s", "--metrics-port=8080", "--log-format=plain", "--log-level=info",
        "--leader-election", "--lease-name=diag");
    assertThat(operator.getEnv()).extracting(e -> e.getName() + "=" + e.getValueFrom().getFieldRef().getFieldPath())
        .containsExactly("POD_NAME=metadata.name", "POD_NAMESPACE=metadata.namespace");
  }

  @Test
  void valuesBecomeFlags() {
    Manifests custom = HelmChart.render("metrics.port=9090", "logFormat=json", "logLevel=debug",
        "fullPassInterval=1h30m", "statusInterval=5s", "remediation.interval=2m", "tlsSecrets.enabled=true",
        "metrics.namespaceLabel=true");
    Container container = custom.operator();

    assertThat(container.getArgs()).contains("--metrics-port=9090", "--log-format=json", "--log-level=debug",
        "--full-pass-interval=1h30m", "--status-interval=5s", "--remediation-interval=2m", "--tls-secrets",
        "--metrics-namespace-label");
    assertThat(container.getPorts().get(0).getContainerPort()).isEqualTo(9090);
    assertThat(custom.one(Service.class).getSpec().getPorts().get(0).getPort()).isEqualTo(9090);
  }

  @Test
  void memoryIsRequestedAtTheLimitAndCpuIsNotLimited() {
    Map<String, Quantity> requests = operator.getResources().getRequests();
    Map<String, Quantity> limits = operator.getResources().getLimits();

    assertThat(requests.get("memory")).isEqualTo(limits.get("memory")).isEqualTo(new Quantity("512Mi"));
    assertThat(requests).containsKey("cpu");
    assertThat(limits).doesNotContainKey("cpu");
  }

  @Test
  void replicasPreferDifferentNodesAndZones() {
    assertThat(pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution())
        .singleElement().extracting(WeightedPodAffinityTerm::getPodAffinityTerm).satisfies(term -> {
          assertThat(term.getTopologyKey()).isEqualTo("kubernetes.io/hostname");
          assertThat(term.getLabelSelector().getMatchLabels()).isEqualTo(SELECTOR);
        });
    assertThat(pod.getAffinity().getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()).isEmpty();
    assertThat(pod.getTopologySpreadConstraints()).singleElement().satisfies(spread -> {
      assertThat(spread.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
      assertThat(spread.getWhenUnsatisfiable()).isEqualTo("ScheduleAnyway");
      assertThat(spread.getLabelSelector().getMatchLabels()).isEqualTo(SELECTOR);
    });
  }

  @Test
  void schedulingAndImageValuesReachThePod() {
    Manifests custom = HelmChart.render("image.repository=clusterdoc-operator", "image.tag=1.2.3",
        "imagePullSecrets[0].name=pull", "nodeSelector.pool=infra", "tolerations[0].key=dedicated",
        "tolerations[0].operator=Exists", "priorityClassName=important", "podAnnotations.team=platform");
    PodSpec spec = custom.one(Deployment.class).getSpec().getTemplate().getSpec();

    assertThat(custom.operator().getImage()).isEqualTo("clusterdoc-operator:1.2.3");
    assertThat(spec.getImagePullSecrets()).extracting(s -> s.getName()).containsExactly("pull");
    assertThat(spec.getNodeSelector()).isEqualTo(Map.of("pool", "infra"));
    assertThat(spec.getTolerations()).extracting(Toleration::getKey).containsExactly("dedicated");
    assertThat(spec.getPriorityClassName()).isEqualTo("important");
    assertThat(custom.one(Deployment.class).getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("team", "platform");
  }
}
