package io.clusterdoc.operator;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every request the test API server received, so far, told apart by who sent it: an operator under test talks
 * through its own client with its own User-Agent, the test through the injected one.
 */
final class RequestLog {
  private final KubernetesMockServer server;
  private final List<RecordedRequest> received = new ArrayList<>();

  RequestLog(KubernetesMockServer server) {
    this.server = server;
  }

  /** A client on the same server that signs its requests with this User-Agent; close it after use. */
  static KubernetesClient clientAs(KubernetesClient client, String userAgent) {
    return new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(client.getConfiguration()).withUserAgent(userAgent).build()).build();
  }

  /** The requests sent with this User-Agent up to now, oldest first. */
  List<RecordedRequest> from(String userAgent) throws InterruptedException {
    for (RecordedRequest request; (request = server.takeRequest(50, TimeUnit.MILLISECONDS)) != null; ) {
      received.add(request);
    }
    return received.stream().filter(r -> userAgent.equals(r.getHeader("User-Agent"))).toList();
  }
}
