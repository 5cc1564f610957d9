package io.clusterdoc.rules;

import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Label selectors written the way {@code kubectl -l} takes them, for commands in remediations. */
public final class Selectors {
  private Selectors() {
  }

  /** The Service's selector as {@code key=value,...} in a stable order; empty when it selects no pods. */
  public static Optional<String> of(Service service) {
    Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(selector.entrySet().stream()
        .map(label -> label.getKey() + "=" + label.getValue())
        .sorted()
        .collect(Collectors.joining(",")));
  }
}
