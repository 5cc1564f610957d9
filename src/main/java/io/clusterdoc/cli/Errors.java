package io.clusterdoc.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;

/** Turns an exception into the one line a user needs, without a stack trace. */
final class Errors {
  private Errors() {
  }

  static String oneLine(Throwable e) {
    if (e instanceof KubernetesClientException k) {
      return describe(k);
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = e.getMessage() != null ? e.getMessage() : root.getMessage();
    return (message == null ? root.getClass().getSimpleName() : message).lines().findFirst().orElse("").trim();
  }

  private static String describe(KubernetesClientException e) {
    if (e.getCode() == 401 || e.getCode() == 403) {
      return "the Kubernetes API refused the request (HTTP " + e.getCode() + "): check the credentials of the "
          + "current kubeconfig context";
    }
    Throwable cause = e.getCause();
    String detail = cause != null && cause.getMessage() != null ? cause.getMessage() : e.getMessage();
    return "cannot talk to the Kubernetes API: " + (detail == null ? "no detail" : detail.lines().findFirst().orElse(""));
  }
}
