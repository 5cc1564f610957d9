package io.clusterdoc.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's code at a small size: every figure is measured and printed. Timings are not checked. */
class BenchmarkSmokeTest {
  @Test
  void printsEveryFigureWithANumber() {
    ScaleBenchmark.Options options = ScaleBenchmark.Options.parse("--pods", "600", "--nodes", "20", "--sample", "300",
        "--passes", "2", "--updates", "100", "--latency-pods", "200", "--latency-updates", "50");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    List<ScaleBenchmark.Line> lines = ScaleBenchmark.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));
    String table = ScaleBenchmark.table(lines, options);

    assertThat(lines).extracting(ScaleBenchmark.Line::figure).containsExactlyElementsOf(ScaleBenchmark.FIGURES);
    assertThat(lines).allSatisfy(line -> assertThat(line.value()).as(line.figure()).matches("^-?[0-9][0-9,.]*.*"));
    assertThat(lines).filteredOn(l -> l.figure().equals("latency.missed")).singleElement()
        .extracting(ScaleBenchmark.Line::value).isEqualTo("0");
    assertThat(table).contains("| memory.pruned_per_pod |", "| full_pass.median |", "| latency.p99 |");
  }
}
