package io.clusterdoc.rules.workloads;

import io.clusterdoc.rules.Timestamps;
import io.clusterdoc.cluster.ClusterView;
import io.clusterdoc.cluster.Keys;
import io.clusterdoc.cluster.Kind;
import io.clusterdoc.engine.AbstractRule;
import io.clusterdoc.engine.Finding;
import io.clusterdoc.engine.ObjectRef;
import io.clusterdoc.engine.RuleContext;
import io.clusterdoc.engine.Severity;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A Job that failed for good (condition Failed=True). The Jobs of one CronJob are one subject and only its newest
 * finished Job counts: a failed run followed by a successful one is history, not a failure, and the CronJob keeps
 * failed Jobs around (failedJobsHistoryLimit) long after a later run succeeded.
 */
public final class JobFailed extends AbstractRule {
  public static final String ID = "job-failed";

  private static final String CRON_JOB_SUBJECT = "cronjob:";
  private static final String JOB_SUBJECT = "job:";
  private static final int DEFAULT_BACKOFF_LIMIT = 6;

  /** The reasons the Job controller gives in the Failed condition, with what they mean. */
  private enum Reason {
    BACKOFF_LIMIT_EXCEEDED("BackoffLimitExceeded",
        "Its pods failed more often than spec.backoffLimit allows. The limit counts retries after the first run, so "
            + "backoffLimit {limit} allows {pods} pods in all, each retry after a longer back-off (10s, 20s, 40s ... "
            + "up to 6 minutes)."),
    DEADLINE_EXCEEDED("DeadlineExceeded",
        "It was still running when spec.activeDeadlineSeconds passed: the deadline counts from the Job's start, "
            + "across every retry, and the controller then stopped its running pods. A higher backoffLimit does not "
            + "help against it."),
    POD_FAILURE_POLICY("PodFailurePolicy",
        "A pod failure matched a rule of spec.podFailurePolicy whose action is FailJob, so the Job failed without "
            + "retrying."),
    MAX_FAILED_INDEXES_EXCEEDED("MaxFailedIndexesExceeded",
        "More indexes of this Indexed Job failed than spec.maxFailedIndexes allows."),
    FAILED_INDEXES("FailedIndexes",
        "Some indexes of this Indexed Job exhausted their spec.backoffLimitPerIndex."),
    OTHER("", "The Job controller marked it Failed.");

    private final String id;
    private final String explanation;

    Reason(String id, String explanation) {
      this.id = id;
      this.explanation = explanation;
    }

    static Reason of(String reason) {
      for (Reason known : values()) {
        if (known.id.equals(reason)) {
          return known;
        }
      }
      return OTHER;
    }
  }

  public JobFailed() {
    super(ID, Severity.WARNING,
        "Job failed (backoff limit, deadline or pod failure policy); for a CronJob, only its newest finished run",
        null, Kind.JOB);
  }

  // The engine passes the Job as it was and as it is, so a Job leaving or joining a CronJob's runs re-evaluates both.
  @Override
  public Collection<String> subjectsAffectedBy(HasMetadata changed, ClusterView view) {
    return changed instanceof Job job ? List.of(subjectOf(job)) : List.of();
  }

  @Override
  public Collection<String> allSubjects(ClusterView view) {
    return view.all(Job.class).stream().filter(JobFailed::isFailed).map(JobFailed::subjectOf).distinct().toList();
  }

  @Override
  public List<Finding> check(String subject, ClusterView view, RuleContext context) {
    if (subject.startsWith(JOB_SUBJECT)) {
      return view.get(Job.class, subject.substring(JOB_SUBJECT.length()))
          .filter(JobFailed::isFailed)
          .map(job -> List.of(finding(job, Optional.empty())))
          .orElse(List.of());
    }
    // A CronJob's runs are found by scanning the Jobs: the view keeps no index of Jobs by owner.
    return view.all(Job.class).stream()
        .filter(job -> subject.equals(subjectOf(job)) && isFinished(job))
        .max(Comparator.comparing(JobFailed::created).thenComparing(job -> job.getMetadata().getName()))
        .filter(JobFailed::isFailed)
        .map(newest -> List.of(finding(newest, cronJob(newest))))
        .orElse(List.of());
  }

  private static String subjectOf(Job job) {
    return cronJob(job)
        .map(owner -> CRON_JOB_SUBJECT + job.getMetadata().getNamespace() + "/" + owner.getUid())
        .orElse(JOB_SUBJECT + Keys.of(job));
  }

  private static Optional<OwnerReference> cronJob(Job job) {
    List<OwnerReference> owners = job.getMetadata().getOwnerReferences();
    return owners == null ? Optional.empty() : owners.stream()
        .filter(owner -> "CronJob".equals(owner.getKind()) && owner.getUid() != null)
        .findFirst();
  }

  private static Instant created(Job job) {
    return Timestamps.parse(job.getMetadata().getCreationTimestamp()).orElse(Instant.MIN);
  }

  private static boolean isFinished(Job job) {
    return isFailed(job) || condition(job, "Complete").isPresent();
  }

  private static boolean isFailed(Job job) {
    return condition(job, "Failed").isPresent();
  }

  /** A condition of this type with status True. */
  private static Optional<JobCondition> condition(Job job, String type) {
    if (job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus()))
        .findFirst();
  }

  private Finding finding(Job job, Optional<OwnerReference> cronJob) {
    JobCondition failed = condition(job, "Failed").orElseThrow();
    String namespace = job.getMetadata().getNamespace();
    String run = cronJob.map(owner -> ", the newest finished run of CronJob " + namespace + "/" + owner.getName()
        + ",").orElse("");
    Finding.Builder finding = finding(ObjectRef.of(job))
        .message("Job " + Keys.of(job) + run + " failed" + at(failed) + ": "
            + Objects.requireNonNullElse(failed.getReason(), "no reason given") + quoted(failed.getMessage()) + "; "
            + counts(job) + ".")
        .cause(cause(job, failed))
        .remediation(remediation(job, cronJob));
    cronJob.ifPresent(owner -> finding.related(ObjectRef.owner(owner, namespace)));
    return finding.build();
  }

  private static String at(JobCondition failed) {
    return Timestamps.parse(failed.getLastTransitionTime()).map(time -> " at " + time).orElse("");
  }

  private static String quoted(String message) {
    return message == null || message.isBlank() ? "" : " (" + message.trim() + ")";
  }

  /** "4 failed pods, 0 succeeded, backoffLimit 3, activeDeadlineSeconds 3600" */
  private static String counts(Job job) {
    List<String> parts = new ArrayList<>();
    parts.add(count(job.getStatus().getFailed()) + " failed pod(s)");
    parts.add(count(job.getStatus().getSucceeded()) + " succeeded");
    JobSpec spec = job.getSpec();
    parts.add("backoffLimit " + backoffLimit(job));
    if (spec != null && spec.getActiveDeadlineSeconds() != null) {
      parts.add("activeDeadlineSeconds " + spec.getActiveDeadlineSeconds());
    }
    return String.join(", ", parts);
  }

  private static String cause(Job job, JobCondition failed) {
    Reason reason = Reason.of(failed.getReason());
    int limit = backoffLimit(job);
    String explanation = reason == Reason.OTHER && failed.getReason() != null
        ? "The Job controller marked it Failed with reason " + failed.getReason() + "."
        : reason.explanation.replace("{limit}", Integer.toString(limit)).replace("{pods}", Integer.toString(limit + 1));
    return explanation + (restartsInPlace(job)
        ? " With restartPolicy OnFailure, container restarts inside a pod count against backoffLimit too, and the "
            + "controller deletes the pods when the Job fails, their logs with them."
        : "");
  }

  private static boolean restartsInPlace(Job job) {
    return job.getSpec() != null && job.getSpec().getTemplate() != null
        && job.getSpec().getTemplate().getSpec() != null
        && "OnFailure".equals(job.getSpec().getTemplate().getSpec().getRestartPolicy());
  }

  private static String remediation(Job job, Optional<OwnerReference> cronJob) {
    String namespace = job.getMetadata().getNamespace();
    String name = job.getMetadata().getName();
    String kubectl = "kubectl -n " + namespace + " ";
    String read = "Read why its pods failed: " + kubectl + "logs job/" + name + " (one pod), or list them with "
        + kubectl + "get pods -l job-name=" + name + " and run kubectl logs and kubectl describe pod (exit code, "
        + "OOMKilled) on each. Fix the cause, or raise backoffLimit or activeDeadlineSeconds if the work is only "
        + "flakier or longer than allowed.";
    String rerun = cronJob.map(owner -> " The CronJob's next scheduled run retries with the CronJob's template: "
            + "fix it there (" + kubectl + "edit cronjob " + owner.getName() + "); to run now: " + kubectl
            + "create job " + owner.getName() + "-manual --from=cronjob/" + owner.getName() + ". The CronJob keeps "
            + "failedJobsHistoryLimit (default 1) failed Jobs and deletes older ones itself.")
        .orElse(" A Job's pod template cannot be changed: delete it (" + kubectl + "delete job " + name + ") and "
            + "create it again from the corrected manifest.");
    return read + rerun + cleanup(job, cronJob.isPresent()) + (restartsInPlace(job)
        ? " While debugging, use restartPolicy Never so that failed pods stay for kubectl logs." : "");
  }

  /** A TTL deletes the evidence; without one, a Job outside a CronJob stays until someone deletes it. */
  private static String cleanup(Job job, boolean ownedByCronJob) {
    Integer ttl = job.getSpec() == null ? null : job.getSpec().getTtlSecondsAfterFinished();
    if (ttl != null) {
      return " This Job is deleted " + ttl + "s after it finished (ttlSecondsAfterFinished), with its pods: read "
          + "the logs first.";
    }
    return ownedByCronJob ? "" : " spec.ttlSecondsAfterFinished lets Kubernetes delete finished Jobs and their "
        + "pods, logs included: keep logs elsewhere first.";
  }

  private static int backoffLimit(Job job) {
    return job.getSpec() == null || job.getSpec().getBackoffLimit() == null
        ? DEFAULT_BACKOFF_LIMIT : job.getSpec().getBackoffLimit();
  }

  private static int count(Integer value) {
    return Objects.requireNonNullElse(value, 0);
  }
}
