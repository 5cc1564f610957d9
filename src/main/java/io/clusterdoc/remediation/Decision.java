package io.clusterdoc.remediation;

import java.util.List;

/** What an action would do for one finding, or why it will not. */
public record Decision(List<Write> writes, String reason) {
  public Decision {
    writes = List.copyOf(writes);
  }

  public static Decision act(List<Write> writes, String reason) {
    if (writes.isEmpty()) {
      throw new IllegalArgumentException("an action with nothing to write is a refusal");
    }
    return new Decision(writes, reason);
  }

  public static Decision refuse(String reason) {
    return new Decision(List.of(), reason);
  }

  public boolean refused() {
    return writes.isEmpty();
  }
}
