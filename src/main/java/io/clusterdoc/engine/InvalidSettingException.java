package io.clusterdoc.engine;

/** A setting that cannot be used, with the place it came from (a spec field or a command-line option). */
public final class InvalidSettingException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidSettingException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
