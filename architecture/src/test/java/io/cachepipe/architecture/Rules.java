package io.cachepipe.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;
import java.util.List;

/**
 * What each module may depend on (docs/architecture.md, "Modules"), as ArchUnit rules over
 * compiled classes. {@link ArchitectureTest} holds the shipped classes to them; {@link RulesBiteTest}
 * shows each one failing on a planted violation.
 */
final class Rules {
    /** Client libraries: only store (and the processes, for their own engine) may speak to a server. */
    static final String[] CLIENT_LIBRARIES = {"io.lettuce..", "org.apache.kafka..", "com.zaxxer.hikari..", "org.postgresql..",
            "io.debezium..", "io.javalin..", "picocli.."};
    static final String[] PROCESSES = {"io.cachepipe.cdc..", "io.cachepipe.invalidator..", "io.cachepipe.warmer..", "io.cachepipe.api.."};

    private Rules() {
    }

    static final ArchRule CORE_IS_THE_MODEL = noClasses().that().resideInAPackage("io.cachepipe.core..")
            .should().dependOnClassesThat().resideInAnyPackage(CLIENT_LIBRARIES)
            .because("core is the model every part shares: views, keys, change events, configuration, rendering");

    static final ArchRule LAYERS = layeredArchitecture().consideringOnlyDependenciesInLayers().withOptionalLayers(true)
            .layer("core").definedBy("io.cachepipe.core..")
            .layer("store").definedBy("io.cachepipe.store..")
            .layer("ops").definedBy("io.cachepipe.ops..")
            .layer("processes").definedBy(PROCESSES)
            .layer("cli").definedBy("io.cachepipe.cli..")
            .layer("demo").definedBy("io.cachepipe.demo..")
            .layer("bench").definedBy("io.cachepipe.bench..")
            .whereLayer("bench").mayNotBeAccessedByAnyLayer()
            .whereLayer("demo").mayOnlyBeAccessedByLayers("bench")
            .whereLayer("cli").mayOnlyBeAccessedByLayers("demo", "bench")
            .whereLayer("processes").mayOnlyBeAccessedByLayers("cli", "demo", "bench")
            .whereLayer("ops").mayOnlyBeAccessedByLayers("processes", "cli", "demo", "bench")
            .whereLayer("store").mayOnlyBeAccessedByLayers("ops", "processes", "cli", "demo", "bench")
            .because("each module depends only on the ones below it: core, store, ops, processes, cli, demo");

    /** One rule per process: it reaches no other process (they meet through Kafka and Redis only). */
    static final List<ArchRule> PROCESSES_APART = List.of(PROCESSES).stream()
            .map(process -> (ArchRule) noClasses().that().resideInAPackage(process)
                    .should().dependOnClassesThat().resideInAnyPackage(List.of(PROCESSES).stream()
                            .filter(other -> !other.equals(process)).toArray(String[]::new))
                    .because("the processes meet through Kafka and Redis, never through each other's classes"))
            .toList();

    static final ArchRule ONLY_STORE_HOLDS_REDIS_AND_POOLS = noClasses().that()
            .resideOutsideOfPackages("io.cachepipe.store..", "io.cachepipe.bench..", "io.cachepipe.testsupport..", "io.cachepipe.devstack..")
            .should().dependOnClassesThat().resideInAnyPackage("io.lettuce..", "com.zaxxer.hikari..")
            .because("store is the only holder of the Redis client and the connection pools: key names and commands live there");

    static final ArchRule DEV_STACK_STAYS_OUT = noClasses().that()
            .resideOutsideOfPackages("io.cachepipe.demo..", "io.cachepipe.bench..", "io.cachepipe.testsupport..", "io.cachepipe.devstack..",
                    "io.cachepipe.examples..")
            .should().dependOnClassesThat().resideInAnyPackage("io.cachepipe.devstack..", "io.cachepipe.examples..", "io.cachepipe.testsupport..",
                    "org.testcontainers..", "io.zonky..", "kafka..", "org.apache.kafka.server..", "org.junit..")
            .because("what ships runs against the user's servers; only demo, bench and tests start servers of their own");

    static final ArchRule NO_PACKAGE_CYCLES = slices().matching("io.cachepipe.(**)").should().beFreeOfCycles()
            .because("a package cycle makes two packages one idea in two places");

    static List<ArchRule> all() {
        var rules = new java.util.ArrayList<ArchRule>(List.of(CORE_IS_THE_MODEL, LAYERS, ONLY_STORE_HOLDS_REDIS_AND_POOLS,
                DEV_STACK_STAYS_OUT, NO_PACKAGE_CYCLES));
        rules.addAll(PROCESSES_APART);
        return rules;
    }
}
