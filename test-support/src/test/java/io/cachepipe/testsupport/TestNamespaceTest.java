package io.cachepipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.devstack.DevStack;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TestNamespaceTest {
    private static final Supplier<DevStack> NO_STACK = () -> {
        throw new AssertionError("the namespace asked for the stack although no server was needed");
    };

    @Test
    void names_areShortLowercaseAndUnique() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            names.add(TestNamespace.create(NO_STACK).name());
        }

        assertThat(names).hasSize(1_000).allMatch(name -> name.matches("t[a-z0-9]{5,11}"));
    }

    @Test
    void prefixes_andSuffixes_derivedFromTheName_withoutStartingTheStack() {
        TestNamespace namespace = TestNamespace.create(NO_STACK);
        String name = namespace.name();

        assertThat(namespace.topicPrefix()).isEqualTo(name);
        assertThat(namespace.topic("invalidations")).isEqualTo(name + ".invalidations");
        assertThat(namespace.key("product:1")).isEqualTo(name + ":product:1");
        assertThat(namespace.groupId("warmer")).isEqualTo("warmer-" + name);
        assertThat(namespace.applicationId("invalidator")).isEqualTo("invalidator-" + name);
    }
}
