package io.clusterdoc.engine;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** Namespace name globs: {@code *} any run of characters, {@code ?} one character. Exclude wins over include. */
public final class NamespaceFilter {
  public static final NamespaceFilter ALL = new NamespaceFilter(List.of(), List.of());

  private final List<String> includeGlobs;
  private final List<String> excludeGlobs;
  private final List<Pattern> include;
  private final List<Pattern> exclude;

  public NamespaceFilter(List<String> include, List<String> exclude) {
    this.includeGlobs = List.copyOf(include);
    this.excludeGlobs = List.copyOf(exclude);
    this.include = include.stream().map(NamespaceFilter::glob).toList();
    this.exclude = exclude.stream().map(NamespaceFilter::glob).toList();
  }

  /** Asked of every finding as it is computed: loops, and nothing to match for the default filter. */
  public boolean allows(String namespace) {
    if (namespace == null) {
      return true;
    }
    return (include.isEmpty() || matchesAny(include, namespace)) && !matchesAny(exclude, namespace);
  }

  private static boolean matchesAny(List<Pattern> patterns, String namespace) {
    for (Pattern pattern : patterns) {
      if (pattern.matcher(namespace).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Equal filters keep an engine: the operator replaces an engine only when its configuration changed. */
  @Override
  public boolean equals(Object o) {
    return o instanceof NamespaceFilter f && includeGlobs.equals(f.includeGlobs) && excludeGlobs.equals(f.excludeGlobs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(includeGlobs, excludeGlobs);
  }

  @Override
  public String toString() {
    return "include " + includeGlobs + ", exclude " + excludeGlobs;
  }

  private static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString());
  }
}
