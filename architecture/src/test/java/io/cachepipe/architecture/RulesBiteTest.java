package io.cachepipe.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.cachepipe.cli.planted.CliStartsServers;
import io.cachepipe.core.planted.CoreAboveStore;
import io.cachepipe.core.planted.CoreWithAClient;
import io.cachepipe.core.planted.a.A;
import io.cachepipe.core.planted.b.B;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.warmer.planted.WarmerCallsInvalidator;
import org.junit.jupiter.api.Test;

/**
 * Each rule of {@link Rules} fails on a violation planted in this module's tests (classes in the
 * packages of the modules they pretend to be), and names the offending dependency: a rule that
 * cannot fail would prove nothing.
 */
class RulesBiteTest {

    @Test
    void coreWithAClientLibrary_breaksCoreIsTheModel() {
        assertViolates(Rules.CORE_IS_THE_MODEL, "io.lettuce.core.RedisClient", CoreWithAClient.class);
    }

    @Test
    void coreReachingIntoStore_breaksTheLayers() {
        // The layers judge dependencies between classes they hold: the store class is imported beside the planted one.
        assertViolates(Rules.LAYERS, "io.cachepipe.store.redis.CacheStore", CoreAboveStore.class, CacheStore.class);
    }

    @Test
    void oneProcessUsingAnother_breaksProcessesApart() {
        ArchRule warmerApart = Rules.PROCESSES_APART.get(2);
        assertViolates(warmerApart, "io.cachepipe.invalidator.Invalidator", WarmerCallsInvalidator.class);
    }

    @Test
    void redisOutsideStore_breaksOnlyStoreHoldsRedis() {
        assertViolates(Rules.ONLY_STORE_HOLDS_REDIS_AND_POOLS, "io.lettuce.core.RedisClient", CoreWithAClient.class);
    }

    @Test
    void theCliStartingServers_breaksDevStackStaysOut() {
        assertViolates(Rules.DEV_STACK_STAYS_OUT, "io.cachepipe.devstack.DevStack", CliStartsServers.class);
    }

    @Test
    void twoPackagesUsingEachOther_breakNoPackageCycles() {
        assertViolates(Rules.NO_PACKAGE_CYCLES, "Cycle detected", A.class, B.class);
    }

    private static void assertViolates(ArchRule rule, String named, Class<?>... planted) {
        JavaClasses classes = new ClassFileImporter().importClasses(planted);
        EvaluationResult result = rule.evaluate(classes);
        assertThat(result.hasViolation()).as(rule.getDescription()).isTrue();
        assertThat(String.join("\n", result.getFailureReport().getDetails())).contains(named);
    }
}
