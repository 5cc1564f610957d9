package io.clusterdoc.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.HashMap;
import java.util.Map;

/** Drops what no rule reads before an object is cached, so large clusters fit in a small heap. */
public final class Pruning {
  /** The only key of a TLS Secret any rule reads; its private key must never be held. */
  public static final String TLS_CERTIFICATE = "tls.crt";
  private static final String OWN_ANNOTATION_PREFIX = "clusterdoc.io/";

  private Pruning() {
  }

  /** Prunes in place and returns the object. */
  public static <T extends HasMetadata> T prune(T object) {
    if (object.getMetadata() != null) {
      object.getMetadata().setManagedFields(null);
    }
    if (object instanceof Secret secret) {
      String certificate = secret.getData() == null ? null : secret.getData().get(TLS_CERTIFICATE);
      secret.setData(certificate == null ? Map.of() : Map.of(TLS_CERTIFICATE, certificate));
      secret.setStringData(null);
      // kubectl apply's last-applied-configuration annotation holds the whole Secret, private key included
      secret.getMetadata().setAnnotations(ownAnnotations(secret.getMetadata().getAnnotations()));
    }
    return object;
  }

  private static Map<String, String> ownAnnotations(Map<String, String> annotations) {
    if (annotations == null) {
      return null;
    }
    Map<String, String> own = new HashMap<>();
    annotations.forEach((key, value) -> {
      if (key.startsWith(OWN_ANNOTATION_PREFIX)) {
        own.put(key, value);
      }
    });
    return own;
  }
}
