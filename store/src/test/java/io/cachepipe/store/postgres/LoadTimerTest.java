package io.cachepipe.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.TestViews;
import io.cachepipe.core.view.ViewDefinition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Every load is timed per view and cause, a failing one too; a plain data source gets no timer. */
class LoadTimerTest {
    private final ViewDefinition product = TestViews.catalog().view("product").orElseThrow();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    @Test
    void loadsAreTimedPerViewAndCause_evenWhenTheyFail() throws Exception {
        LoadTimer warm = LoadTimer.of(metrics, LoadTimer.Cause.WARM, Duration.ofMillis(1));
        assertThat(warm.time(product, 3, product.sql(), () -> "ok")).isEqualTo("ok");
        assertThatThrownBy(() -> warm.time(product, 1, product.sql(), () -> {
            throw new SQLException("boom");
        })).hasMessage("boom");

        assertThat(metrics.get(MetricNames.DB_LOADS).tag("view", "product").tag("cause", "warm").timer().count()).isEqualTo(2);
    }

    @Test
    void aPlainDataSource_hasNoTimer() {
        assertThat(LoadTimer.of(new org.postgresql.ds.PGSimpleDataSource(), LoadTimer.Cause.FILL)).isSameAs(LoadTimer.NONE);
    }
}
