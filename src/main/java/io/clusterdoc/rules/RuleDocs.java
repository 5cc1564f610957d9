package io.clusterdoc.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The documentation page of each rule (docs/rules/&lt;id&gt;.md), packaged with the rules. */
public final class RuleDocs {
  private RuleDocs() {
  }

  /** The page of a known rule, as Markdown. */
  public static Optional<String> of(String ruleId) {
    if (RuleCatalog.byId(ruleId).isEmpty()) {
      return Optional.empty();
    }
    try (InputStream page = RuleDocs.class.getResourceAsStream("docs/" + ruleId + ".md")) {
      return page == null ? Optional.empty() : Optional.of(new String(page.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
