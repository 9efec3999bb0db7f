package io.cachepipe.testsupport;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.DevStackOptions;
import io.cachepipe.devstack.KafkaServer;
import io.cachepipe.devstack.ManagedServer;
import io.cachepipe.devstack.PostgresServer;
import io.cachepipe.devstack.RedisServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves {@link DevStack}, {@link PostgresServer}, {@link KafkaServer}, {@link RedisServer} and
 * {@link TestNamespace} parameters of test methods, lifecycle methods and constructors.
 *
 * <p>One stack per test JVM, started on first use from {@link DevStackOptions#fromEnvironment}
 * (so {@code CACHEPIPE_DEVSTACK_PROVIDER} and friends apply) and kept in the root context's store,
 * which JUnit closes when the run ends. Failsafe sets {@code cachepipe.devstack.dir} to the
 * module's {@code target/dev-stack}; without it (an IDE run) the same relative path is used.
 *
 * <p>After each test, a server a fault-injection test stopped and did not start again (because it
 * failed half-way) is restarted, so one failure does not cascade into every later test class.
 */
public final class DevStackExtension implements ParameterResolver, AfterEachCallback {
    private static final Logger LOG = LoggerFactory.getLogger(DevStackExtension.class);
    public static final Path DEFAULT_DATA_DIR = Path.of("target", "dev-stack");
    private static final Namespace NAMESPACE = Namespace.create(DevStackExtension.class);
    private static final Set<Class<?>> RESOLVED = Set.of(
            DevStack.class, PostgresServer.class, KafkaServer.class, RedisServer.class, TestNamespace.class);

    /** The JVM's stack, started if this is its first use. For extensions and helpers that have a context. */
    public static DevStack stack(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(DevStack.class,
                key -> DevStack.start(DevStackOptions.fromEnvironment(DEFAULT_DATA_DIR)), DevStack.class);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        DevStack stack = context.getRoot().getStore(NAMESPACE).get(DevStack.class, DevStack.class);
        if (stack == null) {
            return;
        }
        for (ManagedServer server : List.of(stack.postgres(), stack.kafka(), stack.redis())) {
            if (!server.isRunning()) {
                LOG.warn("{} left {} stopped; starting it again for the tests after it", context.getDisplayName(), server.name());
                server.start();
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return RESOLVED.contains(parameter.getParameter().getType());
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type == TestNamespace.class) {
            return namespace(parameter, context);
        }
        DevStack stack = stack(context);
        if (type == PostgresServer.class) {
            return stack.postgres();
        }
        if (type == KafkaServer.class) {
            return stack.kafka();
        }
        if (type == RedisServer.class) {
            return stack.redis();
        }
        return stack;
    }

    /**
     * One namespace per test class (shared by its constructor, lifecycle and test methods), or per
     * test method when the parameter is annotated {@link TestNamespace.PerMethod}. The stack starts
     * only when the namespace first needs a server. JUnit closes the namespace (dropping its
     * database) when that class or method is done.
     */
    private static TestNamespace namespace(ParameterContext parameter, ExtensionContext context) {
        boolean perMethod = parameter.isAnnotated(TestNamespace.PerMethod.class);
        ExtensionContext scope = perMethod ? context : classContext(context);
        // Stores see their parents' values: a per-method key must differ from the class's.
        String key = TestNamespace.class.getName() + (perMethod ? "@" + scope.getUniqueId() : "");
        // The root, not this context: the namespace outlives a method context and closes after it.
        ExtensionContext root = context.getRoot();
        return scope.getStore(NAMESPACE).getOrComputeIfAbsent(key,
                ignored -> TestNamespace.create(() -> stack(root)), TestNamespace.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }
}
