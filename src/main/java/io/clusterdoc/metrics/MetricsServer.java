package io.clusterdoc.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code /metrics}, {@code /healthz} and {@code /readyz} on one port with the JDK's own HTTP server: the
 * kubelet and Prometheus are its only clients, so a small fixed pool is plenty and no web framework is needed.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
    Thread thread = new Thread(r, "clusterdoc-http");
    thread.setDaemon(true);
    return thread;
  });

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /** Binds the port (0 picks a free one) and starts serving. */
  public static MetricsServer start(int port, ClusterdocMetrics metrics, HealthCheck liveness, HealthCheck readiness)
      throws IOException {
    MetricsServer started = new MetricsServer(HttpServer.create(new InetSocketAddress(port), 0));
    started.route("/metrics", () -> new Response(HttpURLConnection.HTTP_OK, PROMETHEUS_TEXT, metrics.scrape()));
    started.route("/healthz", () -> probe(liveness));
    started.route("/readyz", () -> probe(readiness));
    started.server.setExecutor(started.threads);
    started.server.start();
    LOG.info("serving /metrics, /healthz and /readyz on port {}", started.port());
    return started;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private record Response(int status, String contentType, String body) {
  }

  private static Response probe(HealthCheck check) {
    List<String> problems = check.problems();
    return problems.isEmpty()
        ? new Response(HttpURLConnection.HTTP_OK, TEXT, "ok\n")
        : new Response(HttpURLConnection.HTTP_UNAVAILABLE, TEXT, String.join("\n", problems) + "\n");
  }

  private void route(String path, Supplier<Response> handler) {
    server.createContext(path, exchange -> {
      try (exchange) {
        if (!path.equals(exchange.getRequestURI().getPath())) {
          send(exchange, new Response(HttpURLConnection.HTTP_NOT_FOUND, TEXT, "not found\n"));
        } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
          exchange.getResponseHeaders().set("Allow", "GET, HEAD");
          send(exchange, new Response(HttpURLConnection.HTTP_BAD_METHOD, TEXT, "only GET\n"));
        } else {
          send(exchange, answer(path, handler));
        }
      }
    });
  }

  private static Response answer(String path, Supplier<Response> handler) {
    try {
      return handler.get();
    } catch (RuntimeException e) {
      LOG.warn("{} failed: {}", path, e.toString());
      return new Response(HttpURLConnection.HTTP_INTERNAL_ERROR, TEXT, path + " failed: " + e.getMessage() + "\n");
    }
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", response.contentType());
    boolean head = "HEAD".equals(exchange.getRequestMethod());
    exchange.sendResponseHeaders(response.status(), head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
