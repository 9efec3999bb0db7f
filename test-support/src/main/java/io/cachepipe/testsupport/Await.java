package io.cachepipe.testsupport;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ThrowingRunnable;

/**
 * Awaitility with the defaults our pipeline tests want: a change travels PostgreSQL → Debezium →
 * Kafka → Streams → Redis in tens of milliseconds, so poll often and from the start; allow
 * {@value #DEFAULT_TIMEOUT_SECONDS} s for a cold JVM, a rebalance or a restarted server.
 *
 * <pre>{@code
 * import static io.cachepipe.testsupport.Await.await;
 * await().untilAsserted(() -> assertThat(redis.get(key)).isNull());
 * }</pre>
 */
public final class Await {
    public static final long DEFAULT_TIMEOUT_SECONDS = 30;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS);
    public static final Duration POLL_INTERVAL = Duration.ofMillis(25);

    private Await() {
    }

    /** Fails on the first exception other than an assertion error; add {@code .ignoreExceptions()} if they are expected. */
    public static ConditionFactory await() {
        return Awaitility.await()
                .atMost(DEFAULT_TIMEOUT)
                .pollDelay(Duration.ZERO)
                .pollInterval(POLL_INTERVAL);
    }

    /** {@link #await()} with a name that appears in the timeout message. */
    public static ConditionFactory await(String description) {
        return await().alias(description);
    }

    /** Retries the assertion until it passes or {@link #DEFAULT_TIMEOUT} runs out. */
    public static void eventually(ThrowingRunnable assertion) {
        await().untilAsserted(assertion);
    }
}
