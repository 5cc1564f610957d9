package io.clusterdoc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.cluster.ObjectStore;
import io.clusterdoc.engine.Engine;
import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.Rule;
import io.clusterdoc.engine.TrackedFinding;
import io.clusterdoc.input.ManifestReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs rules the way the operator does, on YAML fixtures stored beside the test class
 * (src/test/resources/&lt;test package&gt;/&lt;file&gt;): the real reader, the real store, the real engine.
 */
public final class Scenario {
  private final ObjectStore store = new ObjectStore();
  private final TestClock clock;
  private final Engine engine;
  private final List<Finding> appeared = new ArrayList<>();
  private final List<Finding> resolved = new ArrayList<>();

  private Scenario(List<Rule> rules, EngineConfig config, Instant now) {
    this.clock = new TestClock(now);
    this.engine = new Engine(store, rules, config, clock, new Engine.Listener() {
      @Override
      public void appeared(TrackedFinding finding) {
        appeared.add(finding.finding());
      }

      @Override
      public void resolved(TrackedFinding finding) {
        resolved.add(finding.finding());
      }
    });
  }

  /** A scenario for one rule with default settings, at the given time. */
  public static Scenario of(Rule rule, String now) {
    return new Scenario(List.of(rule), EngineConfig.DEFAULT, Instant.parse(now));
  }

  public static Scenario of(List<Rule> rules, EngineConfig config, String now) {
    return new Scenario(rules, config, Instant.parse(now));
  }

  /** Loads a fixture beside the test class into the store and runs a full pass. */
  public Scenario load(Class<?> testClass, String fixture) {
    objects(testClass, fixture).forEach(store::put);
    engine.fullPass();
    return this;
  }

  /** Reads a fixture beside the test class; fails the test if any part of it cannot be read. */
  public static List<HasMetadata> objects(Class<?> testClass, String fixture) {
    URL url = testClass.getResource(fixture);
    assertThat(url).as("fixture %s beside %s", fixture, testClass.getSimpleName()).isNotNull();
    try {
      ManifestReader.Result result = new ManifestReader().read(Path.of(url.toURI()));
      assertThat(result.problems()).as("problems reading %s", fixture).isEmpty();
      return result.objects();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stores the object as a watch would deliver it and re-evaluates what it affects. */
  public Scenario apply(HasMetadata object) {
    HasMetadata before = store.put(object).orElse(null);
    engine.onChange(before, object);
    return this;
  }

  public Scenario delete(HasMetadata object) {
    store.remove(object).ifPresent(before -> engine.onChange(before, null));
    return this;
  }

  /** Moves the clock and runs what became due. */
  public Scenario advance(java.time.Duration by) {
    clock.advance(by);
    engine.runDueRechecks();
    return this;
  }

  public Scenario fullPass() {
    engine.fullPass();
    return this;
  }

  public List<Finding> findings() {
    return engine.findings().stream().map(TrackedFinding::finding).toList();
  }

  /** The finding on the object of this name; fails if there is none. */
  public Finding findingOn(String objectName) {
    return findings().stream().filter(f -> f.object().name().equals(objectName)).findFirst()
        .orElseThrow(() -> new AssertionError("no finding on " + objectName + " in " + findings()));
  }

  /** The only finding; fails if there is not exactly one. */
  public Finding single() {
    assertThat(findings()).hasSize(1);
    return findings().get(0);
  }

  public List<Finding> appeared() {
    return appeared;
  }

  public List<Finding> resolved() {
    return resolved;
  }

  public ObjectStore store() {
    return store;
  }

  public Engine engine() {
    return engine;
  }
}
