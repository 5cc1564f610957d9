package io.clusterdoc.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The chart's RBAC grants what the operator needs, each write only with the value that asks for it. */
class ChartRbacTest {
  /** The writes of the four remediation actions (docs/remediation.md). */
  private static final List<Access> REMEDIATION_WRITES = List.of(new Access("", "namespaces/finalize", "update"),
      new Access("", "pods", "delete"), new Access("", "endpoints", "patch"));
  private static final Subject SERVICE_ACCOUNT = new Subject(null, "ServiceAccount", "diag", "tools");

  private record Access(String group, String resource, String verb) {
    boolean grantedBy(PolicyRule rule) {
      return rule.getApiGroups().contains(group) && rule.getResources().contains(resource)
          && rule.getVerbs().contains(verb);
    }

    boolean grantedByAny(List<PolicyRule> rules) {
      return rules.stream().anyMatch(this::grantedBy);
    }
  }

  @Test
  void noWildcardInAnyRuleWhateverIsEnabled() {
    for (Manifests manifests : List.of(HelmChart.render(), HelmChart.render(HelmChart.ALL_FEATURES))) {
      assertThat(manifests.rbacRules()).isNotEmpty().allSatisfy(rule ->
          assertThat(Stream.of(rule.getApiGroups(), rule.getResources(), rule.getVerbs()).flatMap(List::stream))
              .as("%s", rule).noneMatch(entry -> entry.contains("*")));
    }
  }

  @Test
  void theOperatorPatchesStatusAndCreatesEventsAndOtherwiseOnlyReads() {
    List<PolicyRule> rules = HelmChart.render().named(ClusterRole.class, "diag").getRules();

    assertThat(new Access("clusterdoc.io", "clusterdiagnoses/status", "patch").grantedByAny(rules)).isTrue();
    assertThat(new Access("", "events", "create").grantedByAny(rules)).isTrue();
    assertThat(rules).flatExtracting(PolicyRule::getVerbs).containsOnly("get", "list", "watch", "patch", "create");
  }

  @Test
  void secretsOnlyWithTlsSecrets() {
    assertThat(HelmChart.render().rbacRules()).flatExtracting(PolicyRule::getResources).doesNotContain("secrets");

    List<PolicyRule> withTls = HelmChart.render("tlsSecrets.enabled=true").named(ClusterRole.class, "diag")
        .getRules();
    assertThat(withTls).filteredOn(rule -> rule.getResources().contains("secrets")).singleElement()
        .satisfies(rule -> {
          assertThat(rule.getApiGroups()).containsExactly("");
          assertThat(rule.getResources()).containsExactly("secrets");
          assertThat(rule.getVerbs()).containsExactly("list", "watch");
        });
  }

  @Test
  void remediationWritesOnlyWithRemediationEnabledAndInTheirOwnClusterRole() {
    List<PolicyRule> defaults = HelmChart.render().rbacRules();
    assertThat(REMEDIATION_WRITES).allSatisfy(write -> assertThat(write.grantedByAny(defaults)).as("%s", write)
        .isFalse());

    Manifests enabled = HelmChart.render("remediation.enabled=true");
    List<PolicyRule> remediation = enabled.named(ClusterRole.class, "diag-remediation").getRules();
    List<PolicyRule> base = enabled.named(ClusterRole.class, "diag").getRules();
    assertThat(REMEDIATION_WRITES).allSatisfy(write -> {
      assertThat(write.grantedByAny(remediation)).as("remediation role grants %s", write).isTrue();
      assertThat(write.grantedByAny(base)).as("base role grants %s", write).isFalse();
    });
    ClusterRoleBinding binding = enabled.named(ClusterRoleBinding.class, "diag-remediation");
    assertThat(binding.getRoleRef().getName()).isEqualTo("diag-remediation");
    assertThat(binding.getSubjects()).containsExactly(SERVICE_ACCOUNT);
  }

  @Test
  void leasesOnlyInTheRoleOfTheReleaseNamespace() {
    Manifests manifests = HelmChart.render(HelmChart.ALL_FEATURES);

    assertThat(manifests.all(ClusterRole.class)).flatExtracting(ClusterRole::getRules)
        .noneMatch(rule -> rule.getResources().contains("leases") || rule.getApiGroups().contains("coordination.k8s.io"));
    Role role = manifests.one(Role.class);
    assertThat(role.getMetadata().getNamespace()).isEqualTo("tools");
    assertThat(role.getRules()).singleElement().satisfies(rule -> {
      assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io");
      assertThat(rule.getResources()).containsExactly("leases");
      assertThat(rule.getVerbs()).containsExactlyInAnyOrder("get", "create", "update");
    });
    RoleBinding binding = manifests.one(RoleBinding.class);
    assertThat(binding.getMetadata().getNamespace()).isEqualTo("tools");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects()).containsExactly(SERVICE_ACCOUNT);
  }

  @Test
  void theReadOnlyClusterRoleIsBoundToTheReleasesServiceAccount() {
    ClusterRoleBinding binding = HelmChart.render().named(ClusterRoleBinding.class, "diag");

    assertThat(binding.getRoleRef().getName()).isEqualTo("diag");
    assertThat(binding.getSubjects()).containsExactly(SERVICE_ACCOUNT);
  }
}
