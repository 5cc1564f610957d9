package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.clusterdoc.api.v1alpha1.FindingSummary;
import io.clusterdoc.api.v1alpha1.StatusFinding;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.TrackedFinding;
import io.clusterdoc.rules.RuleCatalog;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Random;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The ClusterDiagnosis status stays bounded whatever the findings: generated findings (up to 100,000, with texts
 * from empty to several KiB of multi-byte UTF-8) go through {@link StatusMapper#findings} the way the reconciler
 * hands them over, and the status must stay under the findings budget plus a fixed allowance, count every finding,
 * and list the most severe ones first.
 */
class StatusSizeProperties {
  private static final Instant SEEN = Instant.parse("2026-11-20T10:00:00Z");
  private static final List<String> RULES = RuleCatalog.ids().stream().sorted().toList();
  private static final List<String> KINDS = List.of("Pod", "Deployment", "StatefulSet", "Service", "Node",
      "Namespace", "PersistentVolumeClaim", "Ingress");
  /** Texts longer than Finding.MAX_TEXT are generated on purpose, to see that clipping keeps them bounded. */
  private static final int MAX_TEXT_CODE_POINTS = 4 * Finding.MAX_TEXT;
  private static final int MAX_RELATED = Finding.MAX_RELATED + 5;

  /**
   * What the fields beside the findings take at most: observedGeneration, the Ready condition, the summary,
   * truncated, the count per rule of every rule in the catalogue and the empty findings array, with every number at
   * its longest (see the example below, which measures 1,365 bytes with today's rules). lastUpdated and
   * remediations are not set by StatusMapper and are bounded elsewhere.
   */
  private static final int OTHER_FIELDS_BYTES = 1_400;
  /**
   * The listed findings' own bytes stop at the budget; the array adds one comma between two listed findings, and at
   * most MAX_FINDINGS_LIMIT are listed. Everything else is in OTHER_FIELDS_BYTES.
   */
  private static final int STATUS_MAX_BYTES = StatusMapper.FINDINGS_BUDGET_BYTES
      + (ClusterDiagnosisSpec.MAX_FINDINGS_LIMIT - 1) + OTHER_FIELDS_BYTES;

  private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
  private static final ObjectMapper JACKSON = new ObjectMapper();

  @Property(tries = 300)
  void anyNumberOfFindingsGiveABoundedStatusThatCountsThemAll(@ForAll("upToTwoThousandFindings") Case given) {
    ClusterDiagnosisStatus status = mapped(given);

    assertBoundedAndComplete(given, status);
    collectWhyTheListEnded(given, status);
  }

  @Property(tries = 3)
  void aHundredThousandFindingsGiveABoundedStatusThatCountsThemAll(
      @ForAll("aHundredThousandFindings") Case given) {
    ClusterDiagnosisStatus status = mapped(given);

    assertBoundedAndComplete(given, status);
    assertThat(status.getTruncated()).isPositive();
  }

  @Example
  void theFieldsBesideTheFindingsTakeAtMostTheirAllowance() throws Exception {
    ClusterDiagnosisStatus status = StatusMapper.findings(List.of(), null, Long.MAX_VALUE, null, Integer.MAX_VALUE);
    FindingSummary summary = new FindingSummary();
    summary.setCritical(Integer.MIN_VALUE);
    summary.setWarning(Integer.MIN_VALUE);
    summary.setInfo(Integer.MIN_VALUE);
    summary.setTotal(Integer.MIN_VALUE);
    status.setSummary(summary);
    status.setTruncated(Integer.MIN_VALUE);
    Map<String, Integer> everyRule = new TreeMap<>();
    RULES.forEach(rule -> everyRule.put(rule, Integer.MIN_VALUE));
    status.setTruncatedByRule(everyRule);

    assertThat(Math.max(kubernetesBytes(status), jacksonBytes(status))).isLessThanOrEqualTo(OTHER_FIELDS_BYTES);
  }

  /** Called as ClusterDiagnosisReconciler does, with no previous status so the condition's time is now. */
  private static ClusterDiagnosisStatus mapped(Case given) {
    return StatusMapper.findings(given.findings(), given.spec(), 1, null, RULES.size());
  }

  private static void assertBoundedAndComplete(Case given, ClusterDiagnosisStatus status) {
    List<StatusFinding> listed = status.getFindings();
    assertThat(kubernetesBytes(status)).as("status bytes as written to the API server")
        .isLessThanOrEqualTo(STATUS_MAX_BYTES);
    assertThat(jacksonBytes(status)).as("status bytes as StatusMapper measures them")
        .isLessThanOrEqualTo(STATUS_MAX_BYTES);
    assertThat(listed.size() + status.getTruncated()).as("listed + truncated").isEqualTo(given.findings().size());
    assertThat(listed.size()).as("listed vs maxFindings").isLessThanOrEqualTo(given.maxListed());
    assertMostSevereFirst(listed);
    assertNoneListedLessSevereThanATruncatedOne(given, listed);
    assertSummaryCountsEveryFinding(given, status.getSummary());
    assertTruncatedCountedPerRule(given, listed.size(), status.getTruncatedByRule());
  }

  /** Every finding not listed, counted under its rule: what was given less what is listed, by rule. */
  private static void assertTruncatedCountedPerRule(Case given, int listed, Map<String, Integer> byRule) {
    Map<String, Integer> unlisted = new TreeMap<>();
    given.findings().subList(listed, given.findings().size())
        .forEach(t -> unlisted.merge(t.finding().rule(), 1, Integer::sum));
    assertThat(byRule).as("truncated per rule").isEqualTo(unlisted.isEmpty() ? null : unlisted);
  }

  private static void assertMostSevereFirst(List<StatusFinding> listed) {
    List<Severity> severities = listed.stream().map(StatusSizeProperties::severity).toList();
    assertThat(severities).isSortedAccordingTo(Comparator.naturalOrder());
  }

  /** The truncated findings are what was given less what is listed, counted per severity. */
  private static void assertNoneListedLessSevereThanATruncatedOne(Case given, List<StatusFinding> listed) {
    Map<Severity, Long> truncated = given.countBySeverity();
    countBySeverity(listed.stream().map(StatusSizeProperties::severity).toList())
        .forEach((severity, count) -> truncated.merge(severity, -count, Long::sum));
    truncated.values().removeIf(count -> count == 0);
    listed.stream().map(StatusSizeProperties::severity).max(Comparator.naturalOrder()).ifPresent(leastListed ->
        truncated.keySet().stream().min(Comparator.naturalOrder()).ifPresent(mostTruncated ->
            assertThat(leastListed).as("least severe listed vs most severe truncated")
                .isLessThanOrEqualTo(mostTruncated)));
  }

  private static void assertSummaryCountsEveryFinding(Case given, FindingSummary summary) {
    Map<Severity, Long> counted = given.countBySeverity();
    assertThat(summary.getCritical()).as("summary critical").isEqualTo(count(counted, Severity.CRITICAL));
    assertThat(summary.getWarning()).as("summary warning").isEqualTo(count(counted, Severity.WARNING));
    assertThat(summary.getInfo()).as("summary info").isEqualTo(count(counted, Severity.INFO));
    assertThat(summary.getTotal()).as("summary total").isEqualTo(given.findings().size());
  }

  private static int count(Map<Severity, Long> counted, Severity severity) {
    return counted.getOrDefault(severity, 0L).intValue();
  }

  /** Not vacuous: the list must end by maxFindings and by the byte budget in a fair share of the cases. */
  private static void collectWhyTheListEnded(Case given, ClusterDiagnosisStatus status) {
    String reason = status.getTruncated() == 0 ? "all listed"
        : status.getFindings().size() == given.maxListed() ? "maxFindings" : "byte budget";
    Statistics.label("list ended by").collect(reason);
    Statistics.label("list ended by").coverage(check -> {
      check.check("maxFindings").percentage(p -> p >= 5);
      check.check("byte budget").percentage(p -> p >= 5);
    });
  }

  private static Map<Severity, Long> countBySeverity(List<Severity> severities) {
    return severities.stream().collect(Collectors.groupingBy(s -> s, () -> new EnumMap<>(Severity.class),
        Collectors.counting()));
  }

  private static Severity severity(StatusFinding finding) {
    return Severity.parse(finding.getSeverity()).orElseThrow();
  }

  private static int kubernetesBytes(ClusterDiagnosisStatus status) {
    return KUBERNETES.asJson(status).getBytes(StandardCharsets.UTF_8).length;
  }

  private static int jacksonBytes(ClusterDiagnosisStatus status) {
    try {
      return JACKSON.writeValueAsBytes(status).length;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Provide
  Arbitrary<Case> upToTwoThousandFindings() {
    return cases(Arbitraries.integers().between(0, 2000));
  }

  @Provide
  Arbitrary<Case> aHundredThousandFindings() {
    return cases(Arbitraries.just(100_000));
  }

  /**
   * Texts and objects come from small generated pools and a seed picks among them, so that 100,000 findings are
   * quick to build; rules and severities are picked per finding.
   */
  private static Arbitrary<Case> cases(Arbitrary<Integer> counts) {
    Arbitrary<Integer> maxFindings = Arbitraries.integers().between(1, ClusterDiagnosisSpec.MAX_FINDINGS_LIMIT)
        .injectNull(0.2);
    return Combinators.combine(counts, Arbitraries.longs(), texts().list().ofMinSize(1).ofMaxSize(8),
            objects().list().ofMinSize(1).ofMaxSize(30), maxFindings)
        .as((count, seed, texts, objects, max) -> new Case(findings(count, new Random(seed), texts, objects), max));
  }

  /** Sorted the way Engine.findings() sorts them: the reconciler passes the engine's list unchanged. */
  private static List<TrackedFinding> findings(int count, Random random, List<String> texts, List<ObjectRef> objects) {
    List<TrackedFinding> findings = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      findings.add(new TrackedFinding(finding(random, texts, objects), SEEN, SEEN));
    }
    findings.sort(Comparator.comparing(TrackedFinding::finding, TrackedFinding.ORDER));
    return findings;
  }

  private static Finding finding(Random random, List<String> texts, List<ObjectRef> objects) {
    String rule = RULES.get(random.nextInt(RULES.size()));
    Severity severity = Severity.values()[random.nextInt(Severity.values().length)];
    List<ObjectRef> related = new ArrayList<>();
    int relatedCount = random.nextInt(MAX_RELATED + 1);
    for (int r = 0; r < relatedCount; r++) {
      related.add(pick(random, objects));
    }
    return Finding.builder(rule, severity, pick(random, objects))
        .message(pick(random, texts)).cause(pick(random, texts)).remediation(pick(random, texts))
        .related(related).build();
  }

  private static <T> T pick(Random random, List<T> pool) {
    return pool.get(random.nextInt(pool.size()));
  }

  /** Code points that take one to four bytes in UTF-8, and characters JSON must escape (up to six bytes). */
  private static Arbitrary<String> texts() {
    Arbitrary<Integer> codePoint = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.integers().between(0x20, 0x7e)),
        Tuple.of(1, Arbitraries.integers().between(0x00, 0x1f)),
        Tuple.of(1, Arbitraries.of((int) '"', (int) '\\')),
        Tuple.of(2, Arbitraries.integers().between(0xa0, 0x7ff)),
        Tuple.of(2, Arbitraries.integers().between(0x4e00, 0x9fff)),
        Tuple.of(1, Arbitraries.integers().between(0x1f300, 0x1faff)));
    return codePoint.list().ofMaxSize(MAX_TEXT_CODE_POINTS).withSizeDistribution(RandomDistribution.uniform())
        .map(StatusSizeProperties::fromCodePoints).injectNull(0.05);
  }

  private static String fromCodePoints(List<Integer> codePoints) {
    StringBuilder text = new StringBuilder();
    codePoints.forEach(text::appendCodePoint);
    return text.toString();
  }

  /** Kubernetes names: namespaces up to 63 characters (or none, cluster-scoped), object names up to 253. */
  private static Arbitrary<ObjectRef> objects() {
    Arbitrary<String> namespaces = names(63).injectNull(0.2);
    Arbitrary<String> uids = Arbitraries.strings().withCharRange('a', 'f').numeric().withChars('-')
        .ofLength(36).injectNull(0.2);
    return Combinators.combine(Arbitraries.of(KINDS), namespaces, names(253), uids)
        .as((kind, namespace, name, uid) -> new ObjectRef("v1", kind, namespace, name, uid));
  }

  private static Arbitrary<String> names(int maxLength) {
    return Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '.')
        .ofMinLength(1).ofMaxLength(maxLength);
  }

  /** The findings handed to the mapper and the spec's maxFindings (null: the default). */
  record Case(List<TrackedFinding> findings, Integer maxFindings) {
    ClusterDiagnosisSpec spec() {
      ClusterDiagnosisSpec spec = new ClusterDiagnosisSpec();
      spec.setMaxFindings(maxFindings);
      return spec;
    }

    int maxListed() {
      return maxFindings == null ? ClusterDiagnosisSpec.DEFAULT_MAX_FINDINGS : maxFindings;
    }

    Map<Severity, Long> countBySeverity() {
      return StatusSizeProperties.countBySeverity(findings.stream().map(t -> t.finding().severity()).toList());
    }

    /** A failing case is reported by its shape, not by printing every finding. */
    @Override
    public String toString() {
      return findings.size() + " findings " + countBySeverity() + ", maxFindings " + maxFindings;
    }
  }
}
