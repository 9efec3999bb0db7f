package io.cachepipe.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cachepipe.core.change.Version;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.WarmRequest;
import io.cachepipe.store.kafka.WarmRequestSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WarmRequestsTest {
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final WarmRequestSerde serde = new WarmRequestSerde(Json.mapper());
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final AtomicLong now = new AtomicLong();
    private WarmRequests requests;

    @AfterEach
    void close() {
        requests.close();
    }

    private static WarmRequest product(long id, long version) {
        return new WarmRequest("product", Map.of("id", id), new Version(version), 0);
    }

    private static WarmRequest category(long id, long version) {
        return new WarmRequest("category", Map.of("id", id), new Version(version), 0);
    }

    private WarmRequest sent(int index) {
        return serde.deserializer().deserialize("cp.warm", producer.history().get(index).value());
    }

    @Test
    void withoutAWindow_eachRequestIsSentAtOnce() {
        requests = new WarmRequests(producer, "cp.warm", serde.serializer(), WarmRequests.Holding.window(Duration.ZERO), metrics);

        requests.request("cp:product:1", product(1, 0x100));

        assertThat(producer.history()).singleElement()
                .satisfies(record -> assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("cp:product:1"));
        assertThat(requests.held()).isZero();
    }

    @Test
    void aHotKeyAskedForManyTimesInOneWindow_isSentOnce_atTheNewestVersion() {
        requests = new WarmRequests(producer, "cp.warm", serde.serializer(), WarmRequests.Holding.window(Duration.ofHours(1)), metrics);
        for (int i = 1; i <= 100; i++) {
            requests.request("cp:product:1", product(1, 0x100 + i));
        }
        assertThat(producer.history()).as("held until the window ends or a commit flushes").isEmpty();
        assertThat(requests.held()).isEqualTo(1);

        requests.flush();

        assertThat(producer.history()).hasSize(1);
        assertThat(sent(0).version()).isEqualTo(new Version(0x100 + 100));
        assertThat(requests.held()).isZero();
        assertThat(metrics.get(MetricNames.WARM_RELOAD_RATIO).gauge().value()).as("reloads per change").isEqualTo(0.01);
    }

    @Test
    void theWindowSendsWhatItHeld_withoutACommit() {
        requests = new WarmRequests(producer, "cp.warm", serde.serializer(), WarmRequests.Holding.window(Duration.ofMillis(20)), metrics);

        requests.request("cp:product:2", product(2, 0x100));

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(producer.history()).hasSize(1));
    }

    @Test
    void aRequestKafkaRefused_failsTheNextFlush_soNothingIsCommitted() {
        var failing = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        requests = new WarmRequests(failing, "cp.warm", serde.serializer(), WarmRequests.Holding.window(Duration.ZERO), metrics);
        requests.request("cp:product:3", product(3, 0x100));

        failing.errorNext(new org.apache.kafka.common.errors.RecordTooLargeException("too large"));

        assertThatThrownBy(requests::flush).isInstanceOf(IllegalStateException.class).hasMessageContaining("too large");
    }

    @Test
    void awaitSent_sendsWhatIsHeld_withoutWaitingForTheWindow() {
        requests = new WarmRequests(producer, "cp.warm", serde.serializer(), WarmRequests.Holding.window(Duration.ofHours(1)), metrics);
        requests.request("cp:product:4", product(4, 0x100));
        requests.request("cp:product:5", product(5, 0x100));

        requests.awaitSent();

        assertThat(producer.history()).hasSize(2);
        assertThat(requests.held()).isZero();
    }

    @Test
    void awaitSent_leavesARefusalForTheFlushThatGuardsTheCommit() {
        var failing = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
        requests = new WarmRequests(failing, "cp.warm", serde.serializer(), WarmRequests.Holding.window(Duration.ZERO), metrics);
        requests.request("cp:product:6", product(6, 0x100));
        failing.errorNext(new org.apache.kafka.common.errors.RecordTooLargeException("too large"));

        requests.awaitSent();

        assertThatThrownBy(requests::flush).isInstanceOf(IllegalStateException.class).hasMessageContaining("too large");
    }

    /** Categories paced at {@code interval}, on the test's clock; the window never ends by itself ({@link WarmRequests#sendDue} ticks). */
    private void pacingCategories(Duration interval) {
        requests = new WarmRequests(producer, "cp.warm", serde.serializer(),
                new WarmRequests.Holding(Duration.ofHours(1), interval, Set.of("category")), metrics, now::get);
    }

    @Test
    void aKeyChangedContinually_isReloadedOncePerRewarmInterval_notOncePerWindow() {
        pacingCategories(Duration.ofMillis(250));
        requests.request("cp:category:1", category(1, 0x100));
        requests.sendDue();
        assertThat(producer.history()).as("a key not sent lately goes at the first tick").hasSize(1);

        for (int tick = 1; tick <= 12; tick++) { // a change every 20 ms for 240 ms, a tick after each
            now.addAndGet(Duration.ofMillis(20).toNanos());
            requests.request("cp:category:1", category(1, 0x100 + tick));
            requests.request("cp:product:" + (100 + tick), product(100 + tick, 0x100 + tick));
            requests.request("cp:product:7", product(7, 0x100 + tick));
            requests.sendDue();
        }
        assertThat(producer.history()).as("the keys changed once went at their first tick, as did every change of product 7 (its"
                + " view is not paced); the category's key waits").hasSize(1 + 12 + 12);

        now.addAndGet(Duration.ofMillis(10).toNanos());
        requests.sendDue();

        assertThat(producer.history()).hasSize(26);
        assertThat(sent(25).view()).isEqualTo("category");
        assertThat(sent(25).version()).as("once 250 ms passed, at the newest version").isEqualTo(new Version(0x100 + 12));
        assertThat(requests.held()).isZero();
    }

    @Test
    void aCommit_sendsAHeldKeyBeforeItsRewarmIntervalEnds() {
        pacingCategories(Duration.ofSeconds(10));
        requests.request("cp:category:2", category(2, 0x100));
        requests.sendDue();
        requests.request("cp:category:2", category(2, 0x101));
        requests.sendDue();
        assertThat(requests.held()).isEqualTo(1);

        requests.flush();

        assertThat(producer.history()).hasSize(2);
        assertThat(sent(1).version()).isEqualTo(new Version(0x101));
    }
}
