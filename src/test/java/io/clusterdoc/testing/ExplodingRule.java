package io.clusterdoc.testing;

import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRule;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.fabric8.kubernetes.api.model.Node;
import java.util.List;

/** A rule that fails on every node, as a rule does on an object it cannot read. */
public final class ExplodingRule extends ObjectRule<Node> {
  public static final String ID = "exploding";

  public ExplodingRule() {
    super(ID, Severity.CRITICAL, "always fails", Node.class);
  }

  @Override
  protected List<Finding> check(Node object, ClusterView view, RuleContext context) {
    throw new IllegalStateException("unexpected field value in " + object.getMetadata().getName());
  }
}
