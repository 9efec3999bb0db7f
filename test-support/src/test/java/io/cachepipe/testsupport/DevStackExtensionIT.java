package io.cachepipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.cachepipe.devstack.DevStack;
import io.cachepipe.devstack.DevStackOptions;
import io.cachepipe.devstack.KafkaServer;
import io.cachepipe.devstack.PostgresServer;
import io.cachepipe.devstack.RedisServer;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

@WithDevStack
class DevStackExtensionIT {
    private static final AtomicReference<DevStack> FIRST_STACK = new AtomicReference<>();
    private final TestNamespace classNamespace;

    DevStackExtensionIT(TestNamespace namespace) {
        this.classNamespace = namespace;
    }

    @Test
    void resolvesTheServersOfOneStack(DevStack stack, PostgresServer postgres, KafkaServer kafka, RedisServer redis) {
        FIRST_STACK.compareAndSet(null, stack);

        assertThat(stack).isSameAs(FIRST_STACK.get());
        assertThat(postgres).isSameAs(stack.postgres());
        assertThat(kafka).isSameAs(stack.kafka());
        assertThat(redis).isSameAs(stack.redis());
    }

    @Test
    void isTaggedAsAnIntegrationTest(TestInfo test) {
        assertThat(test.getTags()).contains(WithDevStack.TAG);
    }

    @Test
    void classNamespace_isSharedByConstructorAndTests(TestNamespace namespace) {
        assertThat(namespace).isSameAs(classNamespace);
    }

    @Test
    void perMethodNamespace_isAFreshOne(@TestNamespace.PerMethod TestNamespace namespace) {
        assertThat(namespace).isNotSameAs(classNamespace);
        assertThat(namespace.name()).isNotEqualTo(classNamespace.name());
    }

    @Test
    void namespaceDatabase_isCreatedOnFirstUse_andRunsAClassPathScript(TestNamespace namespace, PostgresServer postgres) {
        Jdbc jdbc = namespace.jdbc();
        jdbc.executeResource("sql/fixture.sql");

        assertThat(jdbc.url()).isEqualTo(postgres.jdbcUrl(namespace.name()));
        assertThat(jdbc.queryValue(Long.class, "SELECT category_count()")).isEqualTo(2L);
        assertThat(jdbc.update("UPDATE category SET name = ? WHERE id = ?", "kettles & jugs", 1)).isOne();
        assertThat(jdbc.queryValue(String.class, "SELECT name FROM category WHERE id = ?", 1)).isEqualTo("kettles & jugs");
        assertThat(jdbc.queryValue("SELECT name FROM category WHERE id = ?", 99)).isNull();
    }

    @Test
    void jdbcFailure_namesTheUrlTheSqlAndTheReason(PostgresServer postgres) {
        assertThatThrownBy(() -> Jdbc.on(postgres).execute("SELECT * FROM no_such_table"))
                .isInstanceOf(JdbcException.class)
                .hasMessageContaining(postgres.jdbcUrl())
                .hasMessageContaining("42P01")
                .hasMessageContaining("SQL: SELECT * FROM no_such_table");
    }

    @Test
    void kafkaTopics_createSendAndReadEverythingBack(KafkaServer kafka, TestNamespace namespace) {
        KafkaTopics topics = KafkaTopics.on(kafka);
        String topic = namespace.topic("greetings");
        topics.create(topic);
        topics.create(topic);

        topics.send(topic, "1", "hello");
        topics.send(topic, "2", "world");

        assertThat(topics.awaitRecords(topic, 2)).extracting(ConsumerRecord::value).containsExactly("hello", "world");
        assertThat(topics.readAll(namespace.topic("never-created"))).isEmpty();
    }

    @Test
    void closingANamespace_dropsItsDatabase(DevStack stack) {
        TestNamespace namespace = TestNamespace.create(stack);
        namespace.jdbc().execute("CREATE TABLE t (id int)");
        Jdbc server = Jdbc.on(stack.postgres(), "postgres");
        String exists = "SELECT count(*) FROM pg_database WHERE datname = ?";
        assertThat(server.queryValue(Long.class, exists, namespace.name())).isOne();

        namespace.close();

        assertThat(server.queryValue(Long.class, exists, namespace.name())).isZero();
    }

    @Test
    void closingANamespace_deletesTheTopicsNamingIt_andNoOther(KafkaServer kafka, DevStack stack) {
        TestNamespace namespace = TestNamespace.create(stack);
        TestNamespace other = TestNamespace.create(stack);
        KafkaTopics topics = KafkaTopics.on(kafka);
        String own = namespace.topic("changes");
        String streamsInternal = namespace.applicationId("invalidator") + "-KSTREAM-AGGREGATE-STATE-STORE-0000000001-changelog";
        String longerName = namespace.name() + "x.changes";
        String others = other.topic("changes");
        topics.create(own, streamsInternal, longerName, others);

        namespace.close();

        Await.await("the namespace's topics deleted").until(() -> !topics.names().contains(own) && !topics.names().contains(streamsInternal));
        assertThat(topics.names()).contains(longerName, others);
        other.close();
        topics.deleteNaming(namespace.name() + "x");
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class AfterAFaultInjectionTestFails {
        @Test
        @Order(1)
        void aTestStopsRedisAndDoesNotStartItAgain(DevStack stack) {
            assumeThat(stack.provider()).isEqualTo(DevStackOptions.Provider.EMBEDDED);
            stack.redis().stop();
        }

        @Test
        @Order(2)
        void theNextTestFindsRedisRunning(DevStack stack) {
            assertThat(stack.redis().isRunning()).isTrue();
        }
    }

    @Nested
    class NestedClass {
        @Test
        void getsTheSameStack(DevStack stack) {
            FIRST_STACK.compareAndSet(null, stack);

            assertThat(stack).isSameAs(FIRST_STACK.get());
        }
    }
}
