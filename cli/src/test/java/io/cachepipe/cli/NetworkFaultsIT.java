package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.cli.ChildPipeline.Part;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.RelayedKafka;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.testsupport.FaultProxy;
import io.cachepipe.testsupport.PartProcess;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The network misbehaves between one process and a server while both keep running, through
 * {@link FaultProxy}s, with a writer changing products over JDBC and a reader reading through the API.
 * The pipeline runs as child JVMs on a broker of its own ({@link RelayedKafka}), so that the
 * invalidator and cdc-capture can each reach Kafka only through a proxy; the invalidator reaches Redis
 * through a third. First the invalidator's link to Redis gets {@value #REDIS_DELAY_MILLIS} ms more per
 * round trip, then stalls for {@link #REDIS_STALL}, ten times {@code redis.timeout}: commands time out
 * on the client while the server may still run them. Then the invalidator's link to Kafka stalls for
 * {@link #KAFKA_STALL}, past its session timeout, and then cdc-capture's. After each phase heals and
 * the pipeline has caught up, the audit finds no incoherent and no unconfirmed entry, and every
 * product, listing page and category the API serves equals plain JDBC ({@link CatalogOracle}).
 * {@code -Dnetfaults.plant-lost-invalidation=true} loses one change on purpose, to see the checks fail.
 */
@WithDevStack
@FaultScenario
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class NetworkFaultsIT {
    private static final int PRODUCTS = 300;
    private static final int CATEGORIES = 6;
    private static final int WRITES = 150;
    /** Each way, so a round trip takes twice this longer. */
    private static final long REDIS_DELAY_MILLIS = 100;
    private static final Duration REDIS_DELAYED = Duration.ofSeconds(6);
    private static final Duration REDIS_STALL = Duration.ofSeconds(5);
    private static final Duration KAFKA_STALL = Duration.ofSeconds(12);
    private static final boolean PLANT_LOST_INVALIDATION = Boolean.getBoolean("netfaults.plant-lost-invalidation");

    @Test
    void redisDelayedThenStalled_thenKafkaStalledForTheInvalidatorAndForCdc_leaveEveryServedValueEqualToTheDatabase(DevStack stack,
            TestNamespace namespace) throws Exception {
        long started = System.nanoTime();
        int invalidatorRelay = PartProcess.freePort();
        int cdcRelay = PartProcess.freePort();
        URI redis = URI.create(stack.redis().uri());
        try (var kafka = RelayedKafka.start(Path.of("target", "relayed-kafka", namespace.name()), List.of(invalidatorRelay, cdcRelay));
             var invalidatorKafka = FaultProxy.start("invalidator-kafka", invalidatorRelay, "127.0.0.1", kafka.relayTarget(0));
             var cdcKafka = FaultProxy.start("cdc-kafka", cdcRelay, "127.0.0.1", kafka.relayTarget(1));
             var invalidatorRedis = FaultProxy.start("invalidator-redis", redis.getHost(), redis.getPort());
             var pipeline = ChildPipeline.catalog(stack, namespace, PRODUCTS, CATEGORIES, Map.of("kafka.bootstrap", kafka.bootstrapServers()),
                     Map.of(Part.INVALIDATOR, Map.of("kafka.bootstrap", kafka.relayBootstrap(0),
                                     "redis.url", new URI(redis.getScheme(), redis.getUserInfo(), "127.0.0.1", invalidatorRedis.port(),
                                             redis.getPath(), null, null).toString()),
                             Part.CDC, Map.of("kafka.bootstrap", kafka.relayBootstrap(1))))) {
            say(started, "pipeline ready; %s, %s, %s%n", invalidatorRedis, invalidatorKafka, cdcKafka);

            var traffic = CatalogTraffic.start(pipeline, PRODUCTS, CATEGORIES, 1, 17);
            try (traffic) {
                traffic.awaitWrites(0, WRITES, Duration.ofSeconds(120));
                fault(started, pipeline, traffic, "invalidator<->Redis +" + 2 * REDIS_DELAY_MILLIS + " ms per round trip", REDIS_DELAYED,
                        () -> invalidatorRedis.delay(Duration.ofMillis(REDIS_DELAY_MILLIS)), invalidatorRedis::heal);
                fault(started, pipeline, traffic, "invalidator<->Redis stalled", REDIS_STALL, invalidatorRedis::stall, invalidatorRedis::heal);
                traffic.awaitWrites(traffic.writes(), WRITES, Duration.ofSeconds(120));
            }
            assertCaughtUpAndCoherent(started, pipeline, traffic, "Redis faults");
            assertThat(invalidatorRedis.forwarded()).as("the invalidator reached Redis through the proxy").isPositive();

            var kafkaTraffic = CatalogTraffic.start(pipeline, PRODUCTS, CATEGORIES, 1, 19);
            try (kafkaTraffic) {
                kafkaTraffic.awaitWrites(0, WRITES, Duration.ofSeconds(120));
                fault(started, pipeline, kafkaTraffic, "invalidator<->Kafka stalled", KAFKA_STALL, invalidatorKafka::stall, invalidatorKafka::heal);
                kafkaTraffic.awaitWrites(kafkaTraffic.writes(), WRITES, Duration.ofSeconds(120));
                fault(started, pipeline, kafkaTraffic, "cdc-capture<->Kafka stalled", KAFKA_STALL, cdcKafka::stall, cdcKafka::heal);
                kafkaTraffic.awaitWrites(kafkaTraffic.writes(), WRITES, Duration.ofSeconds(120));
            }
            if (PLANT_LOST_INVALIDATION) {
                pipeline.awaitCaughtUp(Duration.ofSeconds(180));
                say(started, "planted a lost invalidation: %s%n", LostInvalidation.plant(pipeline, pipeline.invalidator()));
            }
            assertCaughtUpAndCoherent(started, pipeline, kafkaTraffic, "Kafka stalls");
            assertThat(invalidatorKafka.forwarded()).as("the invalidator reached Kafka through the proxy").isPositive();
            assertThat(cdcKafka.forwarded()).as("cdc-capture reached Kafka through the proxy").isPositive();
        }
        say(started, "%.1f s in all%n", millisSince(started) / 1000.0);
    }

    /**
     * Injects a fault for at least {@code atLeast} and until {@value #WRITES} writes have piled up behind it,
     * heals it, and times how long the pipeline then takes to apply every change committed up to the heal.
     */
    private static void fault(long started, ChildPipeline pipeline, CatalogTraffic traffic, String what, Duration atLeast,
            Runnable inject, Runnable heal) {
        long at = System.nanoTime();
        long writes = traffic.writes();
        long reads = traffic.reads();
        inject.run();
        try {
            await(what).atMost(atLeast.plusSeconds(120))
                    .until(() -> System.nanoTime() - at >= atLeast.toNanos() && traffic.writes() >= writes + WRITES);
        } finally {
            heal.run();
        }
        double lasted = millisSince(at) / 1000.0;
        long healed = System.nanoTime();
        pipeline.awaitCaughtUp(Duration.ofSeconds(180));
        say(started, "%s for %.1f s, %d writes and %d reads meanwhile; healed, and every change committed by then applied %d ms"
                + " later%n", what, lasted, traffic.writes() - writes, traffic.reads() - reads, millisSince(healed));
    }

    private static void assertCaughtUpAndCoherent(long started, ChildPipeline pipeline, CatalogTraffic traffic, String after)
            throws Exception {
        long catchingUp = System.nanoTime();
        pipeline.awaitCaughtUp(Duration.ofSeconds(180));
        long caughtUp = millisSince(catchingUp);
        AuditReport audit = pipeline.audit().run(CacheAudit.Options.everything());
        say(started, "after the %s: %d writes, %d reads, %d read failures; caught up %d ms after the writer stopped; audit:%n%s%n",
                after, traffic.writes(), traffic.reads(), traffic.readFailures(), caughtUp, audit.render());
        traffic.assertServedEqualsDatabase();
        assertThat(audit.coherent()).as(audit.render()).isTrue();
        assertThat(audit.unconfirmed()).as("mismatches the audit could not confirm or clear\n" + audit.render()).isZero();
        assertThat(audit.checked()).isPositive();
        assertThat(traffic.readFailures()).as("reads that failed or answered 5xx").isZero();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void say(long started, String format, Object... args) {
        System.out.printf(Locale.ROOT, "netfaults +%5.1f s: %s", millisSince(started) / 1000.0,
                String.format(Locale.ROOT, format, args));
    }
}
