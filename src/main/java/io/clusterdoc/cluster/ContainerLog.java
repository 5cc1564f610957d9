package io.clusterdoc.cluster;

/** The end of one container's log, as the operator fetched it or a cluster-info dump holds it. */
public record ContainerLog(String namespace, String pod, String container, String text) {
  /** Rules look for a few known lines near the end: more would only cost heap. */
  public static final int MAX_CHARS = 64 * 1024;

  public ContainerLog {
    text = text == null ? "" : text.length() <= MAX_CHARS ? text : text.substring(text.length() - MAX_CHARS);
  }
}
