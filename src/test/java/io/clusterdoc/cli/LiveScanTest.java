package io.clusterdoc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `clusterdoc scan` without --from, against an API server found through a kubeconfig file. */
@EnableKubernetesMockClient(crud = true)
class LiveScanTest {
  KubernetesClient client;

  @TempDir
  Path dir;

  @AfterEach
  void forgetKubeconfig() {
    System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
  }

  @Test
  void scansTheClusterOfTheKubeconfigContext() throws IOException {
    Node node = new KubernetesSerialization().unmarshal(
        Files.readString(Path.of("src/test/resources/io/clusterdoc/operator/node-under-disk-pressure.yaml")), Node.class);
    client.resource(node).create();
    useKubeconfig(client.getConfiguration().getMasterUrl());

    CliRun run = CliRun.of("scan", "-o", "json", "--fail-on", "warning");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).contains("\"node-pressure\"").contains("\"worker-1\"");
  }

  @Test
  void anUnreachableServerIsOneLineAndExitTwo() throws IOException {
    useKubeconfig("https://127.0.0.1:1");

    CliRun run = CliRun.of("scan");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().lines()).singleElement().asString().startsWith("error: cannot talk to the Kubernetes API");
  }

  private void useKubeconfig(String server) throws IOException {
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: %s
            insecure-skip-tls-verify: true
        contexts:
        - name: test
          context: {cluster: test, user: test}
        current-context: test
        users:
        - name: test
          user: {token: test-token}
        """.formatted(server));
    System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
  }
}
