package io.clusterdoc.engine;

import java.util.List;
import java.util.regex.Pattern;

/** Namespace name globs: {@code *} any run of characters, {@code ?} one character. Exclude wins over include. */
public final class NamespaceFilter {
  public static final NamespaceFilter ALL = new NamespaceFilter(List.of(), List.of());

  private final List<Pattern> include;
  private final List<Pattern> exclude;

  public NamespaceFilter(List<String> include, List<String> exclude) {
    this.include = include.stream().map(NamespaceFilter::glob).toList();
    this.exclude = exclude.stream().map(NamespaceFilter::glob).toList();
  }

  public boolean allows(String namespace) {
    if (namespace == null) {
      return true;
    }
    boolean included = include.isEmpty() || include.stream().anyMatch(p -> p.matcher(namespace).matches());
    return included && exclude.stream().noneMatch(p -> p.matcher(namespace).matches());
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
