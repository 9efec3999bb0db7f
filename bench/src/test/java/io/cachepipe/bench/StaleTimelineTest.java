package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StaleTimelineTest {
    @Test
    void countsOnlyReadsStaleBeyondTheBound_byTheMinuteTheyBegan() {
        var timeline = new StaleTimeline(Duration.ofSeconds(1));
        long now = System.nanoTime();
        timeline.note(now, CommitTimes.FRESH);
        timeline.note(now, Duration.ofMillis(999).toNanos());
        assertThat(timeline.byMinute()).isEmpty();

        timeline.note(now, Duration.ofMillis(1001).toNanos());
        timeline.note(now, Duration.ofSeconds(5).toNanos());
        timeline.note(now + Duration.ofMinutes(3).toNanos(), Duration.ofSeconds(2).toNanos());
        assertThat(timeline.byMinute()).isEqualTo("0: 2, 3: 1");
    }
}
