package io.cachepipe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.RedisSentinelStack;
import io.cachepipe.examples.CatalogSeeder;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.ops.audit.AuditReport;
import io.cachepipe.ops.audit.CacheAudit;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole pipeline on Redis through Sentinel ({@code redis.url = redis-sentinel://…}): the master fails
 * over while writers change products in PostgreSQL and readers read through the API, through the seconds
 * in which the old master still takes writes (they are lost when it is demoted), and afterwards every
 * product, listing page and category the API serves equals the database (an oracle of plain JDBC), and
 * the audit finds nothing incoherent or unconfirmed. A master, its replica and a Sentinel: the same
 * redis-server binary in three roles.
 */
@WithDevStack
@FaultScenario
@Timeout(300)
class SentinelFailoverIT {
    private static final int PRODUCTS = 300;
    private static final int CATEGORIES = 6;
    private static final int WRITES_AROUND_FAILOVER = 150;

    @Test
    void aMasterFailoverUnderWrites_leavesEveryServedValueEqualToTheDatabase_andTheAuditClean(DevStack stack, TestNamespace namespace)
            throws Exception {
        try (var sentinel = RedisSentinelStack.start(Path.of("target", "sentinel-" + namespace.name()));
             var catalog = ExamplePipeline.start(stack, namespace, ExampleSchema.CATALOG,
                     connection -> CatalogSeeder.seed(connection, PRODUCTS, CATEGORIES, 11), Map.of("redis.url", sentinel.sentinelUri()))) {
            try (var traffic = CatalogTraffic.start(catalog, PRODUCTS, CATEGORIES, 1, 5)) {
                traffic.awaitWrites(0, WRITES_AROUND_FAILOVER, Duration.ofSeconds(60));
                int before = sentinel.masterPort();
                long failoverStarted = System.nanoTime();
                int after = sentinel.failover();
                long atFailover = traffic.writes();
                System.out.printf("Sentinel failover %d -> %d in %d ms; %d writes and %d reads so far%n", before, after,
                        (System.nanoTime() - failoverStarted) / 1_000_000, atFailover, traffic.reads());
                // Split brain until the Sentinel demotes the old master: clients still on it write there, and the resync
                // throws those writes away. The writers go on through it, and after it.
                sentinel.awaitDemoted(before, Duration.ofSeconds(60));
                long atDemotion = traffic.writes();
                System.out.printf("old master demoted %d ms after the failover began; %d writes meanwhile%n",
                        (System.nanoTime() - failoverStarted) / 1_000_000, atDemotion - atFailover);
                traffic.awaitWrites(atDemotion, WRITES_AROUND_FAILOVER, Duration.ofSeconds(60));
                traffic.close();
                catalog.pipeline().awaitCaughtUp(Duration.ofSeconds(120));
                AuditReport audit = catalog.pipeline().audit().run(CacheAudit.Options.everything());
                System.out.printf("%d writes, %d reads (%d failed or 5xx, during the switch); audit:%n%s%n", traffic.writes(),
                        traffic.reads(), traffic.readFailures(), audit.render());
                assertThat(after).isNotEqualTo(before);
                traffic.assertServedEqualsDatabase();
                assertThat(audit.coherent()).as(audit.render()).isTrue();
                assertThat(audit.unconfirmed()).as(audit.render()).isZero();
                assertThat(audit.checked()).isPositive();
            }
        }
    }
}
