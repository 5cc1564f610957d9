package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterdoc.api.v1alpha1.ClusterDiagnosis;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.clusterdoc.api.v1alpha1.FindingSummary;
import io.clusterdoc.metrics.ClusterdocMetrics;
import io.clusterdoc.metrics.ClusterdocMetrics.StatusWrite;
import io.clusterdoc.testing.TestClock;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class StatusWriterTest {
  KubernetesClient client;
  KubernetesMockServer server;

  private static final String FORBIDDEN = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
      + "\"reason\":\"Forbidden\",\"code\":403,\"message\":\"clusterdiagnoses.clusterdoc.io \\\"cluster\\\" is forbidden\"}";

  private final TestClock clock = new TestClock(Instant.parse("2026-11-20T10:00:00Z"));
  private final ClusterdocMetrics metrics = new ClusterdocMetrics(List.of(), false, List.of());
  private StatusWriter writer;
  private ClusterDiagnosis diagnosis;

  @BeforeEach
  void createDiagnosis() throws IOException {
    try (InputStream crd = new FileInputStream("crds/clusterdiagnoses.clusterdoc.io-v1.yml")) {
      client.apiextensions().v1().customResourceDefinitions().load(crd).create();
    }
    ClusterDiagnosis resource = new ClusterDiagnosis();
    resource.setMetadata(new ObjectMetaBuilder().withName("cluster").build());
    resource.setSpec(new ClusterDiagnosisSpec());
    diagnosis = client.resource(resource).create();
    writer = new StatusWriter(client, clock, Duration.ofSeconds(2), metrics);
  }

  @AfterEach
  void closeMetrics() {
    metrics.close();
  }

  @Test
  void writesAtMostOncePerIntervalAndSkipsUnchangedContent() {
    assertThat(writer.write(diagnosis, status(1))).isEmpty();
    assertThat(stored().getSummary().getCritical()).isEqualTo(1);
    String version = resourceVersion();

    clock.advance(Duration.ofMillis(500));
    Optional<Duration> wait = writer.write(diagnosis, status(2));

    assertThat(wait).contains(Duration.ofMillis(1500));
    assertThat(resourceVersion()).as("no write inside the window").isEqualTo(version);

    clock.advance(Duration.ofSeconds(5));
    assertThat(writer.write(diagnosis, status(2))).isEmpty();
    assertThat(stored().getSummary().getCritical()).isEqualTo(2);
    String written = resourceVersion();

    clock.advance(Duration.ofSeconds(5));
    assertThat(writer.write(diagnosis, status(2))).isEmpty();
    assertThat(resourceVersion()).as("same content is not written again").isEqualTo(written);
    assertThat(writes(StatusWrite.SUCCESS)).isEqualTo(2);
  }

  @Test
  void flushingWritesWhatTheIntervalHeldBack() {
    writer.write(diagnosis, status(1));
    clock.advance(Duration.ofMillis(500));
    assertThat(writer.write(diagnosis, status(2))).as("held back").isPresent();

    writer.flush();

    assertThat(stored().getSummary().getCritical()).isEqualTo(2);
    String version = resourceVersion();
    writer.flush();
    assertThat(resourceVersion()).as("nothing left to flush").isEqualTo(version);
  }

  @Test
  void aConflictOnAStaleResourceIsRetriedOnFreshState() {
    ClusterDiagnosis stale = diagnosis;
    int requestsBefore = server.getRequestCount();
    writer.write(stale, status(1));
    int oneWrite = server.getRequestCount() - requestsBefore;
    clock.advance(Duration.ofSeconds(5));
    requestsBefore = server.getRequestCount();

    assertThat(writer.write(stale, status(3))).isEmpty();

    assertThat(server.getRequestCount() - requestsBefore).as("the refused write, a GET, the retried write")
        .isEqualTo(2 * oneWrite + 1);
    assertThat(stored().getSummary().getCritical()).isEqualTo(3);
    assertThat(stored().getLastUpdated()).isEqualTo("2026-11-20T10:00:05Z");
    assertThat(writes(StatusWrite.CONFLICT)).isEqualTo(1);
    assertThat(writes(StatusWrite.SUCCESS)).isEqualTo(2);
  }

  @Test
  void aRefusedWriteIsCountedAsFailureAndLeftToTheReconcilerToRetry() {
    server.expect().patch().withPath("/apis/clusterdoc.io/v1alpha1/clusterdiagnoses/cluster/status")
        .andReturn(HttpURLConnection.HTTP_FORBIDDEN, FORBIDDEN).once();

    assertThatThrownBy(() -> writer.write(diagnosis, status(1))).isInstanceOf(KubernetesClientException.class);

    assertThat(writes(StatusWrite.FAILURE)).isEqualTo(1);
    assertThat(writes(StatusWrite.SUCCESS)).isZero();
    assertThat(writer.write(diagnosis, status(1))).as("not remembered as written").isEmpty();
    assertThat(stored().getSummary().getCritical()).isEqualTo(1);
    assertThat(writes(StatusWrite.SUCCESS)).isEqualTo(1);
  }

  private double writes(StatusWrite outcome) {
    return metrics.registry().get("clusterdoc.status.writes").tag("outcome", outcome.label())
        .counter().count();
  }

  private static ClusterDiagnosisStatus status(int critical) {
    ClusterDiagnosisStatus status = new ClusterDiagnosisStatus();
    status.setObservedGeneration(1L);
    status.setSummary(new FindingSummary(critical, 0, 0));
    return status;
  }

  private ClusterDiagnosisStatus stored() {
    return client.resources(ClusterDiagnosis.class).withName("cluster").get().getStatus();
  }

  private String resourceVersion() {
    return client.resources(ClusterDiagnosis.class).withName("cluster").get().getMetadata().getResourceVersion();
  }
}
