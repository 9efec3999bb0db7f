package io.cachepipe.testsupport;

import io.cachepipe.devstack.DevStack;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A short unique name, such as {@code t3k9x2q}, that keeps tests sharing one dev stack apart: its
 * own PostgreSQL database (created on first use), Kafka topic prefix, Redis key prefix, and
 * consumer group / application id suffix. Lowercase letters and digits only, starting with a
 * letter, so it is valid in all of those places (and as a Debezium {@code topic.prefix}).
 *
 * <p>The counter makes names unique within a JVM; the random part across JVMs sharing an
 * external stack.
 *
 * <p>Closing drops the database (each costs about 7 MB, and {@code target/dev-stack} outlives
 * runs) and deletes the Kafka topics naming the namespace: a module's tests leave thousands of
 * partitions on the stack's broker otherwise, and a broker restarted by a later test (a fault
 * injected) loads every one of them first. {@link DevStackExtension} closes the namespaces it hands
 * out when their class or method ends; a logical replication slot still in use on the database
 * keeps it from being dropped.
 */
public final class TestNamespace implements AutoCloseable {
    /** On a {@code TestNamespace} parameter: a fresh namespace for each test method instead of one per class. */
    @Target(ElementType.PARAMETER)
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    public @interface PerMethod {
    }

    private static final Logger LOG = LoggerFactory.getLogger(TestNamespace.class);
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final int RANDOM_CHARACTERS = 4;

    private final String name;
    private final Supplier<DevStack> stack;
    private volatile boolean databaseCreated;
    /** Set once the namespace created its database or named a topic: the stack has started, and topics may exist. */
    private volatile boolean stackUsed;

    private TestNamespace(String name, Supplier<DevStack> stack) {
        this.name = name;
        this.stack = stack;
    }

    /** A fresh namespace on a stack, for tests that manage their own. */
    public static TestNamespace create(DevStack stack) {
        return create(() -> stack);
    }

    static TestNamespace create(Supplier<DevStack> stack) {
        StringBuilder name = new StringBuilder("t").append(Long.toString(COUNTER.incrementAndGet(), 36));
        for (int i = 0; i < RANDOM_CHARACTERS; i++) {
            name.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return new TestNamespace(name.toString(), stack);
    }

    public String name() {
        return name;
    }

    /** The namespace's own database, created on first call. */
    public String database() {
        if (!databaseCreated) {
            synchronized (this) {
                if (!databaseCreated) {
                    stack.get().postgres().createDatabase(name);
                    databaseCreated = true;
                    stackUsed = true;
                }
            }
        }
        return name;
    }

    /** JDBC URL of {@link #database()}, creating it on first call. */
    public String jdbcUrl() {
        return stack.get().postgres().jdbcUrl(database());
    }

    /** {@link Jdbc} on {@link #database()}, creating it on first call. */
    public Jdbc jdbc() {
        return Jdbc.on(stack.get().postgres(), database());
    }

    /** {@code <name>}: use as Debezium's {@code topic.prefix} or wherever a bare prefix is wanted. */
    public String topicPrefix() {
        stackUsed = true;
        return name;
    }

    /** {@code <name>.<base>}, such as {@code t3k9x2q.invalidations}. */
    public String topic(String base) {
        stackUsed = true;
        return name + "." + base;
    }

    /** {@code <name>:}, for Redis keys. */
    public String keyPrefix() {
        return name + ":";
    }

    /** {@code <name>:<key>}. */
    public String key(String key) {
        return keyPrefix() + key;
    }

    /** {@code <base>-<name>}, for consumer groups and Kafka Streams application ids. */
    public String groupId(String base) {
        stackUsed = true;
        return base + "-" + name;
    }

    /** Same as {@link #groupId(String)}; Streams names its internal topics after it. */
    public String applicationId(String base) {
        return groupId(base);
    }

    /** Drops the database if this namespace created it, and deletes the topics naming it. */
    @Override
    public void close() {
        if (databaseCreated) {
            quietlyDropDatabase();
        }
        if (stackUsed) {
            quietlyDeleteTopics();
        }
    }

    private void quietlyDeleteTopics() {
        var kafka = stack.get().kafka();
        if (!kafka.isRunning()) {
            return;
        }
        try {
            int deleted = KafkaTopics.on(kafka).deleteNaming(name);
            stackUsed = false;
            LOG.debug("Deleted the {} topics of namespace {}", deleted, name);
        } catch (IllegalStateException e) {
            LOG.warn("Could not delete the topics of namespace {}: {}", name, e.getMessage());
        }
    }

    private void quietlyDropDatabase() {
        var postgres = stack.get().postgres();
        try {
            Jdbc.on(postgres, "postgres").execute("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            databaseCreated = false;
        } catch (JdbcException e) {
            LOG.warn("Could not drop namespace database {}: {}", name, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
