package io.clusterdoc.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.rules.RootCauses;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Prints a report as a table for people or as JSON/YAML for programs. */
public final class ReportWriter {
  private static final int MESSAGE_WIDTH = 100;
  private static final JsonInclude.Value NON_NULL =
      JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL);

  private final ObjectMapper json = JsonMapper.builder()
      .defaultPropertyInclusion(NON_NULL)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();
  private final ObjectMapper yaml = YAMLMapper.builder()
      .defaultPropertyInclusion(NON_NULL)
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .build();

  public void write(Report report, OutputFormat format, PrintWriter out) {
    try {
      switch (format) {
        case json -> out.println(json.writeValueAsString(report));
        case yaml -> out.print(yaml.writeValueAsString(report));
        case table -> writeTable(report, out);
      }
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
  }

  private void writeTable(Report report, PrintWriter out) {
    Report.Summary s = report.summary();
    if (report.findings().isEmpty()) {
      out.println("No findings.");
      return;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SEVERITY", "RULE", "NAMESPACE", "OBJECT", "MESSAGE"});
    for (List<Finding> group : groups(report.findings())) {
      rows.add(row(group.get(0), ""));
      group.subList(1, group.size()).forEach(symptom -> rows.add(row(symptom, "└ ")));
    }
    int[] widths = new int[rows.get(0).length - 1];
    for (String[] row : rows) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        line.append(String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      out.println(line.append(row[row.length - 1]).toString().stripTrailing());
    }
    out.printf("%n%d findings: %d critical, %d warning, %d info. Causes and remediation: -o yaml; "
        + "each rule is explained in docs/rules/<rule>.md.%n", s.total(), s.critical(), s.warning(), s.info());
  }

  /**
   * Each root cause with the symptoms it explains right below it, so one broken node reads as one problem; groups
   * are ordered by their most severe member, and stay in the report's order otherwise.
   */
  private static List<List<Finding>> groups(List<Finding> findings) {
    Map<ObjectRef, Finding> roots = new HashMap<>();
    findings.stream().filter(RootCauses::isRootCause).forEach(f -> roots.putIfAbsent(f.object(), f));
    Map<Finding, List<Finding>> symptoms = new HashMap<>();
    Set<Finding> placed = new HashSet<>();
    for (Finding f : findings) {
      f.related().stream().map(roots::get).filter(root -> root != null && RootCauses.explains(root, f)).findFirst()
          .ifPresent(root -> {
            symptoms.computeIfAbsent(root, r -> new ArrayList<>()).add(f);
            placed.add(f);
          });
    }
    List<List<Finding>> groups = new ArrayList<>();
    for (Finding f : findings) {
      if (!placed.contains(f)) {
        List<Finding> group = new ArrayList<>(List.of(f));
        group.addAll(symptoms.getOrDefault(f, List.of()));
        groups.add(group);
      }
    }
    groups.sort(Comparator.comparing(group -> group.stream().map(Finding::severity).min(Comparator.naturalOrder())
        .orElseThrow()));
    return groups;
  }

  private static String[] row(Finding f, String indent) {
    String namespace = f.object().namespace() == null ? "-" : f.object().namespace();
    return new String[] {f.severity().id(), indent + f.rule(), namespace, f.object().kind() + "/" + f.object().name(),
        abbreviate(f.message())};
  }

  private static String abbreviate(String message) {
    if (message == null) {
      return "";
    }
    String oneLine = message.replaceAll("\\s+", " ");
    return oneLine.length() <= MESSAGE_WIDTH ? oneLine : oneLine.substring(0, MESSAGE_WIDTH - 1) + "…";
  }
}
