package io.clusterdoc.rules.containers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error message recognised by a pattern, with a short label, what it means and what to do. In the three texts,
 * {1}, {2}... stand for the pattern's groups and other {names} for values the rule supplies.
 */
record KnownError(Pattern pattern, String label, String explanation, String remedy) {

  KnownError(String regex, String label, String explanation, String remedy) {
    this(Pattern.compile(regex), label, explanation, remedy);
  }

  /** The three texts with every placeholder the values name filled in. */
  record Explained(String label, String explanation, String remedy) {

    Explained filled(Map<String, String> values) {
      return new Explained(ContainerRuleText.fill(label, values), ContainerRuleText.fill(explanation, values),
          ContainerRuleText.fill(remedy, values));
    }
  }

  /** A message that matched, with the text of the pattern's groups under "1", "2"... */
  record Match(KnownError error, Map<String, String> groups) {

    Explained explained(Map<String, String> values) {
      Map<String, String> all = new HashMap<>(values);
      all.putAll(groups);
      return error.texts().filled(all);
    }
  }

  /** The first error whose pattern occurs in the message. */
  static Optional<Match> first(List<KnownError> errors, String message) {
    for (KnownError error : errors) {
      Matcher matcher = error.pattern.matcher(message);
      if (matcher.find()) {
        Map<String, String> groups = new HashMap<>();
        for (int group = 1; group <= matcher.groupCount(); group++) {
          groups.put(Integer.toString(group), Objects.requireNonNullElse(matcher.group(group), ""));
        }
        return Optional.of(new Match(error, groups));
      }
    }
    return Optional.empty();
  }

  Explained texts() {
    return new Explained(label, explanation, remedy);
  }
}
