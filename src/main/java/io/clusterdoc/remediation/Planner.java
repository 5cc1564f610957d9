package io.clusterdoc.remediation;

import io.clusterdoc.engine.Finding;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides, for one finding, what may be written: the policy must allow the action, someone must have opted in,
 * the action's guards must hold on fresh reads, and every object to write must be consented and unprotected.
 * Writes nothing itself, so the same decisions serve dry runs, the operator and the safety tests.
 */
public final class Planner {
  private final Map<String, RemediationAction> byRule;
  private final Set<String> protectedNamespaces;

  public Planner(Collection<RemediationAction> actions, Set<String> protectedNamespaces) {
    this.byRule = actions.stream().collect(Collectors.toUnmodifiableMap(RemediationAction::ruleId,
        Function.identity()));
    this.protectedNamespaces = Set.copyOf(protectedNamespaces);
  }

  public Optional<RemediationAction> actionFor(String ruleId) {
    return Optional.ofNullable(byRule.get(ruleId));
  }

  /**
   * The decision for a finding, or empty when there is none to record: no action, not allowed by the policy,
   * the object gone, or nobody opted in.
   */
  public Optional<Decision> plan(Finding finding, RemediationPolicy policy, FreshReads reads, Instant now) {
    Optional<RemediationAction> action = actionFor(finding.rule()).filter(policy::allows);
    if (action.isEmpty()) {
      return Optional.empty();
    }
    Optional<HasMetadata> subject = reads.object(finding.object());
    if (subject.isEmpty()) {
      return Optional.empty();
    }
    Optional<Consent.Denied> denied = Consent.check(List.of(subject.get()), namespaceOf(subject.get(), reads),
        protectedNamespaces);
    if (denied.isPresent()) {
      return denied.get().refusal() == Consent.Refusal.NOT_ASKED ? Optional.empty()
          : Optional.of(Decision.refuse(denied.get().reason()));
    }
    Decision decision = action.get().decide(finding, reads, policy.threshold(action.get()), now);
    return Optional.of(decision.refused() ? decision : consented(decision, subject.get(), reads));
  }

  /** A decision whose every write is consented and unprotected, or a refusal naming the first that is not. */
  private Decision consented(Decision decision, HasMetadata subject, FreshReads reads) {
    for (Write write : decision.writes()) {
      Set<HasMetadata> holders = new LinkedHashSet<>(List.of(write.target(), subject));
      Optional<Consent.Denied> denied = Consent.check(holders, namespaceOf(write.target(), reads),
          protectedNamespaces);
      if (denied.isPresent()) {
        return Decision.refuse("will not write " + write.target().getKind() + " "
            + write.target().getMetadata().getName() + ": " + denied.get().reason());
      }
    }
    return decision;
  }

  private static Optional<Namespace> namespaceOf(HasMetadata object, FreshReads reads) {
    String name = Consent.namespaceOf(object);
    return name == null ? Optional.empty() : reads.namespace(name);
  }
}
