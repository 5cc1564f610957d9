package io.clusterdoc.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** One scrape of a Prometheus text exposition, parsed into samples. */
public record Scrape(List<Sample> samples) {
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  public record Sample(String name, Map<String, String> labels, double value) {
  }

  /** GETs the URL, which must answer 200. */
  public static Scrape of(URI metrics) {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(metrics).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(metrics + " answered " + response.statusCode() + ": " + response.body());
      }
      return parse(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("cannot scrape " + metrics + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static Scrape parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(2) != null) {
        Matcher label = LABEL.matcher(sample.group(2));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
    }
    return new Scrape(List.copyOf(samples));
  }

  /** The value of the sample with this name and at least these labels, if there is exactly one. */
  public Optional<Double> value(String name, String... labelPairs) {
    List<Sample> matching = matching(name, labelPairs);
    if (matching.size() > 1) {
      throw new IllegalArgumentException(matching.size() + " samples match " + name + " " + List.of(labelPairs));
    }
    return matching.stream().findFirst().map(Sample::value);
  }

  public List<Sample> matching(String name, String... labelPairs) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> hasLabels(s, labelPairs))
        .toList();
  }

  /** Every sample name, with the _bucket, _count, _sum, _max and _total forms as exported. */
  public Set<String> names() {
    return samples.stream().map(Sample::name).collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  private static boolean hasLabels(Sample sample, String... labelPairs) {
    for (int i = 0; i + 1 < labelPairs.length; i += 2) {
      if (!labelPairs[i + 1].equals(sample.labels().get(labelPairs[i]))) {
        return false;
      }
    }
    return true;
  }
}
