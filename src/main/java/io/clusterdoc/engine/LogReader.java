package io.clusterdoc.engine;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Set;

/**
 * A rule that needs container logs. Rules never call the API: the operator and the live scan fetch the previous
 * run's log of exactly the containers named here and put it in the view, so logs are read only where they can
 * tell something.
 */
public interface LogReader {

  /** The containers of this pod whose log the rule needs now; usually none. */
  Set<String> containersToRead(Pod pod);
}
