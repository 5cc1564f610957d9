package io.clusterdoc.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.input.ManifestReader;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The demo cluster shipped in docs/examples: tests keep it firing every rule it is meant to show. */
public final class DemoCluster {
  private static final Path DIRECTORY = Path.of("docs", "examples", "demo-cluster");

  private DemoCluster() {
  }

  /** Loads one demo file into the scenario's store and runs a full pass; fails if any part cannot be read. */
  public static Scenario load(Scenario scenario, String file) {
    try {
      ManifestReader.Result result = new ManifestReader().read(DIRECTORY.resolve(file));
      assertThat(result.problems()).as("problems reading demo file %s", file).isEmpty();
      List<HasMetadata> objects = result.objects();
      objects.forEach(scenario.store()::put);
      return scenario.fullPass();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
