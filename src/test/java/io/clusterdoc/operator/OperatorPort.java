package io.clusterdoc.operator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The operator's own HTTP port, reached as the kubelet's probes and Prometheus reach it. */
final class OperatorPort {
  private OperatorPort() {
  }

  static URI uri(DiagnosisOperator operator, String path) {
    return URI.create("http://127.0.0.1:" + operator.metricsPort() + path);
  }

  static HttpResponse<String> get(DiagnosisOperator operator, String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri(operator, path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
