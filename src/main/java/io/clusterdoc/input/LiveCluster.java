package io.clusterdoc.input;

import io.clusterdoc.cluster.Kind;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Listable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Lists the kinds the rules read from a live API server, one paginated list per kind. */
public final class LiveCluster {
  private static final long PAGE_SIZE = 500;

  private final KubernetesClient client;

  private final boolean tlsSecrets;

  /** @param tlsSecrets whether to list TLS Secrets too (it needs permission to read Secrets) */
  public LiveCluster(KubernetesClient client, boolean tlsSecrets) {
    this.client = client;
    this.tlsSecrets = tlsSecrets;
  }

  /**
   * Lists every kind. A kind the credentials may not list (403) or the server does not serve (404) is reported
   * through {@code warn} and skipped; anything else (unreachable server, bad credentials) is thrown.
   */
  public List<HasMetadata> list(Consumer<String> warn) {
    List<HasMetadata> objects = new ArrayList<>();
    for (Kind kind : Kind.watched(tlsSecrets)) {
      try {
        objects.addAll(list(kind));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 403 && e.getCode() != 404) {
          throw e;
        }
        warn.accept("cannot list " + kind.kindName() + " objects (HTTP " + e.getCode() + "), rules that read them "
            + "see none: " + e.getStatus().getMessage());
      }
    }
    return objects;
  }

  private List<? extends HasMetadata> list(Kind kind) {
    return kind.namespaced()
        ? paginate(client.resources(kind.type()).inAnyNamespace())
        : paginate(client.resources(kind.type()));
  }

  private static <T extends HasMetadata> List<T> paginate(Listable<? extends KubernetesResourceList<T>> listable) {
    List<T> items = new ArrayList<>();
    String next = null;
    do {
      ListOptions options = new ListOptionsBuilder().withLimit(PAGE_SIZE).withContinue(next).build();
      KubernetesResourceList<T> page = listable.list(options);
      items.addAll(page.getItems());
      next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
    } while (next != null && !next.isEmpty());
    return items;
  }
}
