package io.clusterdoc.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.engine.Engine;
import io.clusterdoc.engine.EngineConfig;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.TrackedFinding;
import io.clusterdoc.input.ManifestReader;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pruning must never change what the rules find: every rule runs over every rule fixture and both examples, once
 * on pruned objects as the operator caches them and once on the objects as read, and the findings must be equal.
 * A rule that starts reading a field the pruning drops fails here, on the fixture that exercises it.
 */
class PruningSafetyTest {
  /** Inside the fixtures' time range, so that their thresholds are crossed as in the rules' own tests. */
  private static final Instant NOW = Instant.parse("2026-11-20T12:00:00Z");

  static Stream<Path> fixtures() throws IOException {
    try (Stream<Path> files = Files.walk(Path.of("src/test/resources/io/clusterdoc/rules"))) {
      List<Path> yaml = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
      return Stream.concat(yaml.stream(),
          Stream.of(Path.of("docs/examples/demo-cluster"), Path.of("docs/examples/healthy-cluster")));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void pruningChangesNoFinding(Path fixture) throws IOException {
    List<Finding> pruned = findings(fixture, Pruning::prune);
    List<Finding> asRead = findings(fixture, UnaryOperator.identity());

    assertThat(pruned).isEqualTo(asRead);
  }

  @Test
  void theFixturesMakeEveryRuleFindSomething() throws IOException {
    Set<String> fired = new TreeSet<>();
    for (Path fixture : fixtures().toList()) {
      findings(fixture, Pruning::prune).forEach(f -> fired.add(f.rule()));
    }

    assertThat(fired).as("the comparison covers every rule").containsAll(RuleCatalog.ids());
  }

  /** Reads the fixture afresh each time: pruning works in place. */
  private static List<Finding> findings(Path fixture, UnaryOperator<HasMetadata> pruning) throws IOException {
    ManifestReader.Result read = new ManifestReader().read(fixture);
    ObjectStore store = new ObjectStore(pruning);
    read.objects().forEach(store::put);
    read.logs().forEach(store::putLog);
    Engine engine = new Engine(store, RuleCatalog.all(), EngineConfig.DEFAULT, Clock.fixed(NOW, ZoneOffset.UTC),
        Engine.Listener.NONE);
    engine.fullPass();
    return engine.findings().stream().map(TrackedFinding::finding).toList();
  }
}
