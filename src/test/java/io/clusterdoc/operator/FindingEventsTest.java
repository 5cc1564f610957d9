package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterdoc.engine.ObjectRef;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Event writes the API server fails are tried again; those it refuses for good are not. */
@EnableKubernetesMockClient(crud = true)
class FindingEventsTest {
  private static final String EVENTS = "/api/v1/namespaces/default/events";
  private static final ObjectRef NODE = new ObjectRef("v1", "Node", null, "worker-1", "node-uid-1");

  KubernetesClient client;
  KubernetesMockServer server;
  private KubernetesClient withoutClientRetries;
  private FindingEvents events;

  /** The client's own retries would hide the failures: they must reach FindingEvents. */
  @BeforeEach
  void start() {
    withoutClientRetries = new KubernetesClientBuilder().withConfig(new ConfigBuilder(client.getConfiguration())
        .withRequestRetryBackoffLimit(0).build()).build();
    events = new FindingEvents(withoutClientRetries, Clock.systemUTC(), "test", () -> true,
        new EventBudget(Clock.systemUTC(), 60, 6), () -> { });
  }

  @AfterEach
  void stop() {
    events.close();
    withoutClientRetries.close();
  }

  @Test
  void anEventTheServerFailsToRecordIsTriedAgainAndRecordedOnce() {
    server.expect().post().withPath(EVENTS).andReturn(503, "{\"kind\":\"Status\",\"code\":503}").times(2);

    events.record(NODE, "NodePressure", "Warning", "worker-1 is under disk pressure");

    // The first two pauses take 1 s and 2 s.
    await().atMost(Duration.ofSeconds(15)).until(() -> nodeEvents().size() == 1);
    assertThat(nodeEvents().get(0).getReason()).isEqualTo("NodePressure");
  }

  @Test
  void anEventTheServerRefusesIsNotTriedAgain() throws InterruptedException {
    server.expect().post().withPath(EVENTS).andReturn(403, "{\"kind\":\"Status\",\"code\":403}").once();

    events.record(NODE, "NodePressure", "Warning", "worker-1 is under disk pressure");

    Thread.sleep(FindingEvents.RETRY_PAUSES.get(0).plusMillis(500).toMillis());
    assertThat(nodeEvents()).as("a second try would have found the server accepting").isEmpty();
  }

  private List<Event> nodeEvents() {
    return client.v1().events().inNamespace("default").list().getItems();
  }
}
