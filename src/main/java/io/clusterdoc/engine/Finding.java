package io.clusterdoc.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One failure pattern on one object, with what to tell the person on call. */
public record Finding(String rule, Severity severity, ObjectRef object, String message, String cause,
    String remediation, List<ObjectRef> related) {

  /** Keeps the ClusterDiagnosis status bounded whatever a rule finds. */
  public static final int MAX_RELATED = 20;
  public static final int MAX_TEXT = 1024;

  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(object, "object");
    message = clip(message);
    cause = clip(cause);
    remediation = clip(remediation);
    related = related == null ? List.of() : List.copyOf(related.subList(0, Math.min(related.size(), MAX_RELATED)));
  }

  public Finding withSeverity(Severity other) {
    return new Finding(rule, other, object, message, cause, remediation, related);
  }

  /** Findings are the same finding when the same rule reports the same object. */
  public Key key() {
    return new Key(rule, object.identity());
  }

  public record Key(String rule, String object) {
  }

  public static Builder builder(String rule, Severity severity, ObjectRef object) {
    return new Builder(rule, severity, object);
  }

  private static String clip(String text) {
    return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
  }

  /** Rules build findings step by step; only the object is mandatory. */
  public static final class Builder {
    private final String rule;
    private final Severity severity;
    private final ObjectRef object;
    private String message;
    private String cause;
    private String remediation;
    private final List<ObjectRef> related = new ArrayList<>();

    private Builder(String rule, Severity severity, ObjectRef object) {
      this.rule = rule;
      this.severity = severity;
      this.object = object;
    }

    public Builder message(String message) {
      this.message = message;
      return this;
    }

    public Builder cause(String cause) {
      this.cause = cause;
      return this;
    }

    public Builder remediation(String remediation) {
      this.remediation = remediation;
      return this;
    }

    public Builder related(ObjectRef ref) {
      related.add(ref);
      return this;
    }

    public Builder related(List<ObjectRef> refs) {
      related.addAll(refs);
      return this;
    }

    public Finding build() {
      return new Finding(rule, severity, object, message, cause, remediation, related);
    }
  }
}
