package io.clusterdoc.operator;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The test API server with faults on demand. One store of objects (the mock server's CRUD dispatcher, in the
 * part etcd plays) is served on two ports: the operator's port, which can fail, hang, drop its watches or go
 * down, and an admin port that always answers, so that a test can change the cluster while the operator cannot
 * see it.
 *
 * <p>The mock server replays every object as ADDED to any new watch, whatever resourceVersion it asks for, and
 * cannot replay deletions. A real API server either sends the missed events or, when its history no longer
 * reaches that far back (etcd compacted, API server restarted), answers 410 Gone so that the client lists
 * afresh. This server takes the second way whenever the first is out of its reach: a watch that starts from before
 * the last deletion is answered 410, and so is one from before {@link #expireHistory()}. Otherwise a deletion made
 * while a watch was down would stay unseen here, although no real API server hides it.
 */
final class FaultyApiServer implements AutoCloseable {
  /** The faults this server can inject, each counted when it actually hit a request or connection. */
  enum Fault {
    WATCH_CLOSED, WATCH_REFUSED, WATCH_GARBLED, LIST_REFUSED, HISTORY_EXPIRED, RESTARTED, CONFLICT, SERVER_ERROR, SLOW
  }

  private static final String STATUS_EXPIRED = statusJson(410, "Expired", "too old resource version");
  /** /api/v1/pods, /api/v1/namespaces/x/pods, /apis/apps/v1/deployments: an even number of segments after api(s). */
  private static final Pattern LIST_PATH =
      Pattern.compile("/(api/[^/?]+|apis/[^/?]+/[^/?]+)(/[^/?]+/[^/?]+)*/[^/?]+(\\?.*)?");
  private static final Pattern RESOURCE_VERSION = Pattern.compile("[?&]resourceVersion=(\\d+)");

  private final KubernetesCrudDispatcher objects = new KubernetesCrudDispatcher();
  private final Dispatcher store = new ForgetsDeletions();
  private final KubernetesMockServer admin;
  private final int port = freePort();
  private final Set<WebSocket> openWatches = ConcurrentHashMap.newKeySet();
  private final Queue<Planned> planned = new ConcurrentLinkedQueue<>();
  private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
  /** Watches from a resourceVersion older than this are answered 410 Gone. */
  private final AtomicLong oldestWatchable = new AtomicLong();
  private final Queue<Refusal> refusals = new ConcurrentLinkedQueue<>();
  /**
   * Held by every write and by every end of a watch. The mock server's watch stops its sender before it leaves the
   * list of watches that writes notify, and a write in between fails half done (stored, but answered with an
   * error): this lock keeps the two apart.
   */
  private final Object writesAndWatchEnds = new Object();
  private KubernetesMockServer operatorSide;

  /** Requests that match are refused with 503 until the moment given (System.nanoTime()). */
  private record Refusal(Fault fault, Predicate<RecordedRequest> which, long until) {
  }

  private record Planned(Fault fault, Predicate<RecordedRequest> which, Answer answer) {
  }

  /** How a planned fault answers a request, given the objects it may consult. */
  @FunctionalInterface
  private interface Answer {
    MockResponse answer(RecordedRequest request, Dispatcher store);
  }

  FaultyApiServer() {
    admin = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), store, false);
    admin.init(InetAddress.getLoopbackAddress(), freePort());
    start();
  }

  /** A client that always reaches the objects, for the test to set up and inspect the cluster. */
  KubernetesClient adminClient() {
    return admin.createClient();
  }

  /**
   * A client of the failing port. Watches reconnect quickly, so that a test of many faults stays short, and a
   * failed request is tried once more only, so that the faults reach the operator instead of ending in the client.
   * It speaks HTTP/1.1: over plain http the JDK client upgrades to HTTP/2 in cleartext (h2c), a way no API server
   * is reached (they serve TLS), and on that way a list of more than 64 KiB sometimes never finished after the
   * server restarted, which left that informer without a watch for good.
   */
  KubernetesClient operatorClient() {
    Config config = new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + port).withWatchReconnectInterval(200)
        .withRequestRetryBackoffInterval(50).withRequestRetryBackoffLimit(1).withHttp2Disable(true).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Starts serving the operator's port again, with the objects as they are now. */
  synchronized void start() {
    operatorSide = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new Faults(), false);
    operatorSide.init(InetAddress.getLoopbackAddress(), port);
  }

  /** Takes the operator's port down, dropping every connection; the objects stay. */
  synchronized void stop() {
    closeWatches();
    operatorSide.destroy();
    count(Fault.RESTARTED);
  }

  /** Ends every watch of the operator's port, as an API server does at its watch timeout. */
  void closeWatches() {
    openWatches.forEach(watch -> {
      if (watch.close(1000, "watch closed by the server")) {
        count(Fault.WATCH_CLOSED);
      }
    });
  }

  /**
   * Sends the watches that match an event cut short, as a broken proxy might: the client cannot read it and ends
   * the watch.
   */
  void garbleWatches(Predicate<RecordedRequest> which) {
    openWatches.stream().filter(watch -> which.test(watch.request())).forEach(watch -> {
      if (watch.send("{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":")) {
        count(Fault.WATCH_GARBLED);
      }
    });
  }

  /**
   * From now on, a watch that starts from a resourceVersion older than the current one is answered 410 Gone,
   * as after an etcd compaction: the client has to list again.
   */
  void expireHistory() {
    oldestWatchable.set(objects.requestResourceVersion());
  }

  /** Refuses the requests that match with 503 for a while, as an overloaded API server does. */
  void refuse(Fault fault, Predicate<RecordedRequest> which, Duration period) {
    refusals.add(new Refusal(fault, which, System.nanoTime() + period.toNanos()));
  }

  /** Answers the next {@code times} requests that match with this HTTP status and a Status body. */
  void failNext(Fault fault, Predicate<RecordedRequest> which, int times, int code) {
    plan(fault, which, times, (request, store) -> status(code, fault.name(), "injected " + fault));
  }

  /** Serves the next {@code times} matching requests normally, but only after {@code delay}. */
  void delayNext(Predicate<RecordedRequest> which, int times, Duration delay) {
    plan(Fault.SLOW, which, times, (request, store) -> store.dispatch(request).setBodyDelay(delay));
  }

  private void plan(Fault fault, Predicate<RecordedRequest> which, int times, Answer answer) {
    for (int i = 0; i < times; i++) {
      planned.add(new Planned(fault, which, answer));
    }
  }

  /** How many faults of each kind hit the operator so far. */
  synchronized Map<Fault, Integer> injected() {
    return Map.copyOf(injected);
  }

  private synchronized void count(Fault fault) {
    injected.merge(fault, 1, Integer::sum);
  }

  private static MockResponse status(int code, String reason, String message) {
    return new MockResponse().setResponseCode(code).setBody(statusJson(code, reason, message));
  }

  private static String statusJson(int code, String reason, String message) {
    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"" + reason
        + "\",\"code\":" + code + ",\"message\":\"" + message + "\"}";
  }

  static boolean isWatch(RecordedRequest request) {
    return request.getPath().contains("watch=true");
  }

  /** A list: what an informer does first, and again when its watch history is gone. */
  static boolean isList(RecordedRequest request) {
    return "GET".equals(request.getMethod()) && !isWatch(request) && LIST_PATH.matcher(request.getPath()).matches();
  }

  static boolean isStatusWrite(RecordedRequest request) {
    return "PATCH".equals(request.getMethod()) && request.getPath().split("\\?")[0].endsWith("/status");
  }

  @Override
  public synchronized void close() {
    operatorSide.destroy();
    admin.destroy();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The objects, served as they are; a deletion expires the watch history, which cannot replay it. */
  private final class ForgetsDeletions extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if ("GET".equals(request.getMethod())) {
        return objects.dispatch(request);
      }
      synchronized (writesAndWatchEnds) {
        MockResponse response = objects.dispatch(request);
        if ("DELETE".equals(request.getMethod())) {
          expireHistory();
        }
        return response;
      }
    }

    /** The objects must outlive a stop of the operator's port. */
    @Override
    public void shutdown() {
    }
  }

  /** The operator port's dispatcher: planned faults first, then the shared store. */
  private final class Faults extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) {
      for (Planned next : planned) {
        if (next.which().test(request) && planned.remove(next)) {
          count(next.fault());
          return next.answer().answer(request, store);
        }
      }
      long now = System.nanoTime();
      refusals.removeIf(refusal -> now - refusal.until() >= 0);
      for (Refusal refusal : refusals) {
        if (refusal.which().test(request)) {
          count(refusal.fault());
          return status(503, "ServiceUnavailable", "too many requests, try again later");
        }
      }
      if (isWatch(request) && startsBeforeHistory(request)) {
        count(Fault.HISTORY_EXPIRED);
        return new MockResponse().withWebSocketUpgrade(new Expired());
      }
      MockResponse response = store.dispatch(request);
      WebSocketListener watch = response.getWebSocketListener();
      return watch == null ? response : response.withWebSocketUpgrade(new Tracked(watch));
    }

    private boolean startsBeforeHistory(RecordedRequest request) {
      Matcher version = RESOURCE_VERSION.matcher(request.getPath());
      return version.find() && Long.parseLong(version.group(1)) < oldestWatchable.get();
    }
  }

  /**
   * A watch from too old a resourceVersion, answered as a real API server does: the watch opens, and its only
   * event is an ERROR with the 410 Status that tells the client to list again.
   */
  private static final class Expired extends WebSocketListener {
    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      webSocket.send("{\"type\":\"ERROR\",\"object\":" + STATUS_EXPIRED + "}");
      webSocket.close(1000, "");
    }
  }

  /** Keeps hold of an open watch so that it can be closed on demand. */
  private final class Tracked extends WebSocketListener {
    private final WebSocketListener delegate;

    Tracked(WebSocketListener delegate) {
      this.delegate = delegate;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      openWatches.add(webSocket);
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      openWatches.remove(webSocket);
      synchronized (writesAndWatchEnds) {
        delegate.onClosed(webSocket, code, reason);
      }
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
      openWatches.remove(webSocket);
      synchronized (writesAndWatchEnds) {
        delegate.onFailure(webSocket, failure, response);
      }
    }
  }
}
