package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.store.kafka.TopicAdmin;
import io.cachepipe.testsupport.PartProcess;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scaled out the way docs/scaling.md says: two invalidators in one Kafka Streams application and two
 * warmers in one consumer group, as child JVMs, on change topics and a warm topic of
 * {@value #PARTITIONS} partitions so that both instances of each hold some. While a writer changes
 * products over JDBC and a reader reads through the API, one invalidator and one warmer are SIGKILLed
 * (no shutdown hook, no leaving the group, no offset commit). Kafka's group coordinator must then show
 * the survivor of each holding every partition, the killed one's too; and once the pipeline has caught
 * up, the audit finds no incoherent and no unconfirmed entry and every product, listing page and
 * category the API serves equals the database read by plain JDBC ({@link CatalogOracle}).
 * {@code -Dscaled-out.plant-lost-invalidation=true} loses one change on purpose, to see the checks fail.
 */
@WithDevStack
@FaultScenario
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ScaledOutFailoverIT {
    private static final int PRODUCTS = 300;
    private static final int CATEGORIES = 6;
    private static final int PARTITIONS = 4;
    private static final int WRITES_AROUND_KILL = 150;
    private static final boolean PLANT_LOST_INVALIDATION = Boolean.getBoolean("scaled-out.plant-lost-invalidation");

    @Test
    void oneOfTwoInvalidatorsAndOneOfTwoWarmersKilledUnderWrites_theSurvivorsTakeTheirPartitions_andEveryServedValueEqualsTheDatabase(
            DevStack stack, TestNamespace namespace) throws Exception {
        long started = System.nanoTime();
        try (var pipeline = ChildPipeline.catalog(stack, namespace, PRODUCTS, CATEGORIES,
                // Redis timeouts are not under test here: a part that could not subscribe in 500 ms on a loaded machine failed to start.
                Map.of("kafka.partitions", Integer.toString(PARTITIONS), "redis.timeout", "2s"));
             Admin admin = TopicAdmin.admin(pipeline.config().kafka())) {
            String invalidators = pipeline.config().invalidator().applicationId();
            String warmers = pipeline.config().warmer().groupId();
            String firstInvalidator = soleOwner(admin, invalidators);
            String firstWarmer = soleOwner(admin, warmers);
            PartProcess secondInvalidator = pipeline.startInvalidator("invalidator-2");
            PartProcess secondWarmer = pipeline.startWarmer("warmer-2");
            Map<String, Set<TopicPartition>> invalidatorsBefore = awaitShared(admin, invalidators, firstInvalidator);
            Map<String, Set<TopicPartition>> warmersBefore = awaitShared(admin, warmers, firstWarmer);
            say(started, "two of each ready; invalidators %s; warmers %s%n", invalidatorsBefore, warmersBefore);

            var traffic = CatalogTraffic.start(pipeline, PRODUCTS, CATEGORIES, 1, 11);
            long[] moved = {-1, -1};
            try (traffic) {
                traffic.awaitWrites(0, WRITES_AROUND_KILL, Duration.ofSeconds(120));
                long atKill = traffic.writes();
                long killed = System.nanoTime();
                pipeline.invalidator().kill();
                pipeline.warmer().kill();
                say(started, "invalidator %s (pid %d) and warmer %s SIGKILLed after %d writes, %d reads%n", firstInvalidator,
                        pipeline.invalidator().pid(), firstWarmer, atKill, traffic.reads());
                String invalidatorLeft = other(invalidatorsBefore, firstInvalidator);
                String warmerLeft = other(warmersBefore, firstWarmer);
                await("the survivors to hold every partition").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                        .until(() -> {
                            moved[0] = moved[0] >= 0 || !holdsAll(admin, invalidators, invalidatorLeft, invalidatorsBefore) ? moved[0]
                                    : millisSince(killed);
                            moved[1] = moved[1] >= 0 || !holdsAll(admin, warmers, warmerLeft, warmersBefore) ? moved[1]
                                    : millisSince(killed);
                            return moved[0] >= 0 && moved[1] >= 0;
                        });
                say(started, "the coordinator gave %s all %d partitions of the invalidators %d ms after the kill, and %s all %d of"
                        + " the warmers after %d ms%n", invalidatorLeft, GroupView.all(invalidatorsBefore).size(), moved[0],
                        warmerLeft, GroupView.all(warmersBefore).size(), moved[1]);
                traffic.awaitWrites(atKill, WRITES_AROUND_KILL, Duration.ofSeconds(120));
            }
            long catchingUp = System.nanoTime();
            pipeline.awaitCaughtUp(Duration.ofSeconds(180));
            long caughtUp = millisSince(catchingUp);
            if (PLANT_LOST_INVALIDATION) {
                say(started, "planted a lost invalidation: %s%n", LostInvalidation.plant(pipeline, secondInvalidator));
            }
            AuditReport audit = pipeline.audit().run(CacheAudit.Options.everything());
            say(started, "%d writes, %d reads, %d read failures; caught up %d ms after the writer stopped; audit:%n%s%n",
                    traffic.writes(), traffic.reads(), traffic.readFailures(), caughtUp, audit.render());

            traffic.assertServedEqualsDatabase();
            assertThat(audit.coherent()).as(audit.render()).isTrue();
            assertThat(audit.unconfirmed()).as("mismatches the audit could not confirm or clear\n" + audit.render()).isZero();
            assertThat(audit.checked()).isPositive();
            assertThat(traffic.readFailures()).as("reads that failed or answered 5xx").isZero();
            assertThat(secondInvalidator.isAlive() && secondWarmer.isAlive()).as("the survivors still run").isTrue();
        }
        say(started, "%.1f s in all%n", millisSince(started) / 1000.0);
    }

    /** Waits until the group is stable with one owner, and answers it. */
    private static String soleOwner(Admin admin, String group) {
        Map<String, Set<TopicPartition>> owners = await("one owner in " + group).atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> GroupView.stable(admin, group).orElse(Map.of()), found -> found.size() == 1);
        return owners.keySet().iterator().next();
    }

    /** Waits until the group is stable with two owners, {@code first} and another, each holding some partitions. */
    private static Map<String, Set<TopicPartition>> awaitShared(Admin admin, String group, String first) {
        return await("two owners sharing " + group).atMost(Duration.ofSeconds(120)).ignoreExceptions()
                .until(() -> GroupView.stable(admin, group).orElse(Map.of()), owners -> owners.size() == 2
                        && owners.containsKey(first) && owners.values().stream().noneMatch(Set::isEmpty));
    }

    private static String other(Map<String, Set<TopicPartition>> owners, String owner) {
        return owners.keySet().stream().filter(key -> !key.equals(owner)).findFirst().orElseThrow();
    }

    /** The group is stable, {@code survivor} is its only owner, and holds every partition the two held before. */
    private static boolean holdsAll(Admin admin, String group, String survivor, Map<String, Set<TopicPartition>> before) {
        try {
            Optional<Map<String, Set<TopicPartition>>> now = GroupView.stable(admin, group);
            return now.isPresent() && now.get().keySet().equals(Set.of(survivor))
                    && now.get().get(survivor).equals(GroupView.all(before));
        } catch (Exception e) {
            return false; // a describe that failed proves nothing
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static void say(long started, String format, Object... args) {
        System.out.printf(Locale.ROOT, "scaled-out +%5.1f s: %s", millisSince(started) / 1000.0,
                String.format(Locale.ROOT, format, args));
    }
}
