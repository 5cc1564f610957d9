package io.clusterdoc;

/** What this build of clusterdoc is. */
public final class BuildInfo {
  /** Reported when running from compiled classes rather than the packaged jar. */
  public static final String DEVELOPMENT = "development";

  private BuildInfo() {
  }

  /** The version the jar was built as (its manifest's Implementation-Version). */
  public static String version() {
    String version = BuildInfo.class.getPackage().getImplementationVersion();
    return version == null ? DEVELOPMENT : version;
  }
}
