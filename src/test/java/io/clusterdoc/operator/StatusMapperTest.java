package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisSpec;
import io.clusterdoc.api.v1alpha1.ClusterDiagnosisStatus;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.engine.TrackedFinding;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatusMapperTest {
  private static final Instant SEEN = Instant.parse("2026-11-20T10:00:00Z");

  @Test
  void listsAtMostMaxFindingsMostSevereFirstAndCountsTheRest() {
    List<TrackedFinding> findings = IntStream.range(0, 250).mapToObj(i -> tracked(i, 100, 1)).toList();

    ClusterDiagnosisStatus status = StatusMapper.findings(findings, new ClusterDiagnosisSpec(), 3, null, 7);

    assertThat(status.getFindings()).hasSize(200);
    assertThat(status.getTruncated()).isEqualTo(50);
    assertThat(status.getSummary().getTotal()).isEqualTo(250);
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
    assertThat(status.getConditions()).singleElement().satisfies(c -> {
      assertThat(c.getType()).isEqualTo("Ready");
      assertThat(c.getStatus()).isEqualTo("True");
    });
  }

  @Test
  void theStatusStaysFarBelowTheObjectSizeLimitWhateverTheFindings() throws Exception {
    ClusterDiagnosisSpec spec = new ClusterDiagnosisSpec();
    spec.setMaxFindings(ClusterDiagnosisSpec.MAX_FINDINGS_LIMIT);
    List<TrackedFinding> huge = IntStream.range(0, 5000).mapToObj(i -> tracked(i, 5000, 50)).toList();

    ClusterDiagnosisStatus status = StatusMapper.findings(huge, spec, 1, null, 7);

    int bytes = new ObjectMapper().writeValueAsBytes(status).length;
    assertThat(bytes).isLessThan(600 * 1024);
    assertThat(status.getFindings()).isNotEmpty();
    assertThat(status.getFindings().size() + status.getTruncated()).isEqualTo(5000);
  }

  @Test
  void findingsFromAnEarlierStatusComeBackWithTheirFirstSeen() {
    ClusterDiagnosisStatus status = StatusMapper.findings(List.of(tracked(1, 10, 1)), null, 1, null, 7);

    List<TrackedFinding> known = StatusMapper.known(status);

    assertThat(known).singleElement().satisfies(t -> {
      assertThat(t.firstSeen()).isEqualTo(SEEN);
      assertThat(t.finding().key()).isEqualTo(tracked(1, 10, 1).finding().key());
    });
  }

  private static TrackedFinding tracked(int i, int textLength, int related) {
    String text = "x".repeat(textLength);
    ObjectRef object = new ObjectRef("v1", "Pod", "shop", "web-" + i, "uid-" + i);
    Finding finding = Finding.builder("pod-crash-looping", Severity.WARNING, object)
        .message(text).cause(text).remediation(text)
        .related(IntStream.range(0, related).mapToObj(r -> new ObjectRef("v1", "Pod", "shop", "p" + r, "u" + r)).toList())
        .build();
    return new TrackedFinding(finding, SEEN, SEEN);
  }
}
