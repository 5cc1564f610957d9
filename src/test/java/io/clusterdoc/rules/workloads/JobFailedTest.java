package io.clusterdoc.rules.workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.Severity;
import io.clusterdoc.testing.Scenario;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import org.junit.jupiter.api.Test;

class JobFailedTest {
  private static final String NOW = "2026-11-20T10:05:00Z";
  private static final String NIGHTLY = "nightly-export-29919000";
  private static final String NIGHTLY_BEFORE = "nightly-export-29917560";
  private static final String COMPACT = "compact-29919060";
  private static final String COMPACT_RUNNING = "compact-29919480";
  private static final String BACKFILL = "backfill-2026-11";

  private final JobFailed rule = new JobFailed();

  private static Scenario loaded() {
    return Scenario.of(new JobFailed(), NOW).load(JobFailedTest.class, "job-failed.yaml");
  }

  private static Job job(Scenario scenario, String name) {
    return scenario.store().get(Job.class, "analytics", name).orElseThrow();
  }

  @Test
  void theNewestFinishedRunOfACronJobThatFailedIsReportedWithItsCounts() {
    Scenario scenario = loaded();

    Finding nightly = scenario.findingOn(NIGHTLY);

    assertThat(nightly.rule()).isEqualTo("job-failed");
    assertThat(nightly.severity()).isEqualTo(Severity.WARNING);
    assertThat(nightly.object()).isEqualTo(ObjectRef.of(job(scenario, NIGHTLY)));
    assertThat(nightly.message()).isEqualTo("Job analytics/nightly-export-29919000, the newest finished run of "
        + "CronJob analytics/nightly-export, failed at 2026-11-20T02:07:41Z: BackoffLimitExceeded (Job has reached "
        + "the specified backoff limit); 4 failed pod(s), 0 succeeded, backoffLimit 3.");
    assertThat(nightly.cause()).contains("backoffLimit 3 allows 4 pods in all").doesNotContain("OnFailure");
    assertThat(nightly.remediation())
        .contains("kubectl -n analytics logs job/nightly-export-29919000",
            "kubectl -n analytics get pods -l job-name=nightly-export-29919000",
            "next scheduled run retries",
            "kubectl -n analytics create job nightly-export-manual --from=cronjob/nightly-export",
            "failedJobsHistoryLimit")
        .doesNotContain("delete job", "ttlSecondsAfterFinished")
        .doesNotEndWith("…");
    assertThat(nightly.related()).extracting(ObjectRef::kind, ObjectRef::name)
        .containsExactly(tuple("CronJob", "nightly-export"));
  }

  @Test
  void aStandaloneJobPastItsDeadlineIsToBeRecreatedAndWarnsOfItsTtl() {
    Finding backfill = loaded().findingOn(BACKFILL);

    assertThat(backfill.message()).isEqualTo("Job analytics/backfill-2026-11 failed at 2026-11-19T22:00:00Z: "
        + "DeadlineExceeded (Job was active longer than specified deadline); 1 failed pod(s), 0 succeeded, "
        + "backoffLimit 4, activeDeadlineSeconds 7200.");
    assertThat(backfill.cause()).contains("spec.activeDeadlineSeconds passed", "A higher backoffLimit does not help");
    assertThat(backfill.remediation())
        .contains("kubectl -n analytics delete job backfill-2026-11", "cannot be changed",
            "deleted 172800s after it finished")
        .doesNotContain("cronjob");
    assertThat(backfill.related()).isEmpty();
  }

  @Test
  void restartPolicyOnFailureIsExplainedAndARunningNewerRunDoesNotHideTheFailure() {
    Finding compact = loaded().findingOn(COMPACT);

    assertThat(compact.cause()).contains("restartPolicy OnFailure", "deletes the pods when the Job fails");
    assertThat(compact.remediation()).contains("use restartPolicy Never");
  }

  @Test
  void olderFailuresRunsStillRetryingAndSucceededJobsAreNotReported() {
    assertThat(loaded().findings()).extracting(f -> f.object().name())
        .containsExactlyInAnyOrder(NIGHTLY, COMPACT, BACKFILL);
  }

  @Test
  void theRunsOfOneCronJobAreOneSubject() {
    Scenario scenario = loaded();

    assertThat(rule.subjectsAffectedBy(job(scenario, NIGHTLY_BEFORE), scenario.store()))
        .isEqualTo(rule.subjectsAffectedBy(job(scenario, NIGHTLY), scenario.store()))
        .isNotEqualTo(rule.subjectsAffectedBy(job(scenario, COMPACT), scenario.store()));
  }

  @Test
  void aNewerSuccessfulRunResolvesTheFailure() {
    Scenario scenario = loaded();

    scenario.apply(finished(job(scenario, COMPACT_RUNNING), "Complete", "CompletionsReached"));

    assertThat(scenario.findings()).extracting(f -> f.object().name()).doesNotContain(COMPACT);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(COMPACT);
  }

  @Test
  void aNewerFailedRunTakesOverTheFinding() {
    Scenario scenario = loaded();

    scenario.apply(finished(job(scenario, COMPACT_RUNNING), "Failed", "BackoffLimitExceeded"));

    assertThat(scenario.findings()).extracting(f -> f.object().name()).contains(COMPACT_RUNNING)
        .doesNotContain(COMPACT);
    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactly(COMPACT);
    assertThat(scenario.appeared()).extracting(f -> f.object().name()).contains(COMPACT_RUNNING);
  }

  @Test
  void deletingTheFailedJobResolvesItAndBringsBackNoOlderRun() {
    Scenario scenario = loaded();

    scenario.delete(job(scenario, BACKFILL)).delete(job(scenario, NIGHTLY));

    assertThat(scenario.resolved()).extracting(f -> f.object().name()).containsExactlyInAnyOrder(BACKFILL, NIGHTLY);
    // The run before it failed too and is now the newest finished one.
    assertThat(scenario.findings()).extracting(f -> f.object().name()).contains(NIGHTLY_BEFORE);
  }

  @Test
  void otherReasonsAreNamed() {
    Job policy = failedJob("import-users", "PodFailurePolicy",
        "Container importer for pod analytics/import-users-8x2kq failed with exit code 42 matching FailJob rule at "
            + "index 0");
    Job novel = failedJob("import-groups", "SomethingNew", null);

    Scenario scenario = Scenario.of(new JobFailed(), NOW).apply(policy).apply(novel);

    assertThat(scenario.findingOn("import-users").message())
        .contains("failed at 2026-11-20T09:10:00Z: PodFailurePolicy (Container importer");
    assertThat(scenario.findingOn("import-users").cause()).contains("spec.podFailurePolicy");
    assertThat(scenario.findingOn("import-groups").message()).contains(": SomethingNew; 0 failed pod(s)",
        "backoffLimit 6");
    assertThat(scenario.findingOn("import-groups").cause()).contains("with reason SomethingNew");
  }

  @Test
  void jobsWithoutStatusOrConditionsAreLeftAlone() {
    Job bare = new JobBuilder().withNewMetadata().withNamespace("analytics").withName("bare").endMetadata().build();
    Job noConditions = new JobBuilder().withNewMetadata().withNamespace("analytics").withName("quiet").endMetadata()
        .withNewStatus().withFailed(3).endStatus().build();

    Scenario scenario = Scenario.of(new JobFailed(), NOW).apply(bare).apply(noConditions);

    assertThat(scenario.findings()).isEmpty();
  }

  private static Job failedJob(String name, String reason, String message) {
    return new JobBuilder().withNewMetadata().withNamespace("analytics").withName(name)
        .withCreationTimestamp("2026-11-20T09:00:00Z").endMetadata()
        .withNewStatus().addToConditions(new JobConditionBuilder().withType("Failed").withStatus("True")
            .withReason(reason).withMessage(message).withLastTransitionTime("2026-11-20T09:10:00Z").build())
        .endStatus().build();
  }

  private static Job finished(Job running, String type, String reason) {
    return new JobBuilder(running).editStatus().withActive(null).withReady(0)
        .addToConditions(new JobConditionBuilder().withType(type).withStatus("True").withReason(reason)
            .withLastTransitionTime("2026-11-20T10:06:00Z").build())
        .endStatus().build();
  }
}
