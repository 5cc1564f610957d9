package io.clusterdoc.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterdoc.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventBudgetTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-11-23T10:00:00Z"));

  @Test
  void allowsABurstUpToTheLimitThenOneEventPerShareOfTheMinute() {
    EventBudget budget = new EventBudget(clock, 6, 100);

    assertThat(IntStream.range(0, 10).filter(i -> budget.take("node/worker-" + i)).count()).isEqualTo(6);
    clock.advance(Duration.ofSeconds(9));
    assertThat(budget.take("node/worker-7")).as("a tenth of a minute later: less than one Event").isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(budget.take("node/worker-7")).as("a sixth of a minute after the burst: one").isTrue();
    assertThat(budget.take("node/worker-8")).isFalse();
  }

  @Test
  void limitsEachObjectOnItsOwn() {
    EventBudget budget = new EventBudget(clock, 100, 2);

    assertThat(budget.take("pod/a")).isTrue();
    assertThat(budget.take("pod/a")).isTrue();
    assertThat(budget.take("pod/a")).as("third Event about the same pod within the minute").isFalse();
    assertThat(budget.take("pod/b")).as("another pod has its own budget").isTrue();
    clock.advance(Duration.ofSeconds(30));
    assertThat(budget.take("pod/a")).isTrue();
  }

  @Test
  void anObjectOverItsOwnBudgetSpendsNothingOfTheOverallOne() {
    EventBudget budget = new EventBudget(clock, 2, 1);

    assertThat(budget.take("pod/a")).isTrue();
    assertThat(budget.take("pod/a")).isFalse();
    assertThat(budget.take("pod/b")).isTrue();
  }

  @Test
  void aZeroBudgetRecordsNothing() {
    EventBudget budget = new EventBudget(clock, 0, 6);

    assertThat(budget.take("pod/a")).isFalse();
    clock.advance(Duration.ofHours(1));
    assertThat(budget.take("pod/a")).isFalse();
  }

  @Test
  void remembersABoundedNumberOfObjects() {
    EventBudget budget = new EventBudget(clock, Integer.MAX_VALUE, 1);
    budget.take("pod/first");
    IntStream.range(0, EventBudget.TRACKED_OBJECTS).forEach(i -> budget.take("pod/" + i));

    assertThat(budget.take("pod/first")).as("forgotten, so its budget is full again").isTrue();
    assertThat(budget.take("pod/" + (EventBudget.TRACKED_OBJECTS - 1))).as("still remembered").isFalse();
  }
}
