package io.cachepipe.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The shipped classes of every module (not their tests) against {@link Rules}. */
class ArchitectureTest {
    private static JavaClasses shipped;

    @BeforeAll
    static void importShippedClasses() {
        shipped = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.cachepipe");
    }

    @Test
    void everyModuleIsImported() {
        for (String pkg : new String[] {"io.cachepipe.core.view", "io.cachepipe.store.redis", "io.cachepipe.ops.rebuild",
                "io.cachepipe.cdc", "io.cachepipe.invalidator", "io.cachepipe.warmer", "io.cachepipe.api", "io.cachepipe.cli",
                "io.cachepipe.demo", "io.cachepipe.bench"}) {
            assertThat(shipped.containPackage(pkg)).as(pkg).isTrue();
        }
    }

    static Stream<ArchRule> rules() {
        return Rules.all().stream();
    }

    @ParameterizedTest
    @MethodSource("rules")
    void holds(ArchRule rule) {
        rule.check(shipped);
    }
}
