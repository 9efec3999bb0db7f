package io.cachepipe.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.cachepipe.devstack.DevStackOptions.Provider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One stack for the class, as test JVMs share it; restart tests leave each server running again.
 * The data directory outlives runs, so every test must pass against data a previous run left.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class DevStackIT {
    private static DevStack stack;

    @BeforeAll
    static void startStack() {
        stack = DevStack.start(DevStackOptions.fromEnvironment(Path.of("target/dev-stack")));
    }

    @AfterAll
    static void closeStack() {
        if (stack != null) {
            stack.close();
        }
    }

    // --- PostgreSQL ---------------------------------------------------------------------------

    @Test
    void postgres_isConfiguredForChangeDataCapture() throws SQLException {
        assertThat(queryValue(stack.postgres().jdbcUrl(), "SHOW wal_level")).isEqualTo("logical");
        assertThat(queryValue(stack.postgres().jdbcUrl(), "SHOW synchronous_commit")).isEqualTo("on");
        assertThat(queryValue(stack.postgres().jdbcUrl(), "SHOW max_replication_slots")).isEqualTo("20");
        assertThat(queryValue(stack.postgres().jdbcUrl(), "SHOW max_wal_senders")).isEqualTo("20");
        assertThat(queryValue(stack.postgres().jdbcUrl(), "SELECT current_database()")).isEqualTo("cachepipe");
    }

    @Test
    void postgres_decodesAnInsertThroughAPgoutputSlot() throws SQLException {
        stack.postgres().createDatabase("devstack_it_slot");
        String url = stack.postgres().jdbcUrl("devstack_it_slot");
        String slot = "it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        // A slot left by a run that died holds WAL forever: clear them first.
        execute(url, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                + " WHERE slot_name LIKE 'it\\_%' AND NOT active");
        execute(url, """
                CREATE TABLE IF NOT EXISTS product (id bigint PRIMARY KEY, name text NOT NULL);
                TRUNCATE product;
                DROP PUBLICATION IF EXISTS it_publication;
                CREATE PUBLICATION it_publication FOR TABLE product;
                """);
        execute(url, "SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        try {
            execute(url, "INSERT INTO product VALUES (1, 'kettle')");

            List<Character> messageTypes = new ArrayList<>();
            try (Connection connection = connect(url);
                 Statement statement = connection.createStatement();
                 ResultSet changes = statement.executeQuery("SELECT data FROM pg_logical_slot_peek_binary_changes('"
                         + slot + "', NULL, NULL, 'proto_version', '1', 'publication_names', 'it_publication')")) {
                while (changes.next()) {
                    messageTypes.add((char) changes.getBytes(1)[0]);
                }
            }
            // pgoutput: Begin, Relation, Insert, Commit.
            assertThat(messageTypes).containsSubsequence('B', 'R', 'I', 'C');
        } finally {
            execute(url, "SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }

    @Test
    void postgres_createDatabase_isIdempotent() throws SQLException {
        stack.postgres().createDatabase("devstack_it_twice");
        stack.postgres().createDatabase("devstack_it_twice");

        assertThat(queryValue(stack.postgres().jdbcUrl("devstack_it_twice"), "SELECT current_database()"))
                .isEqualTo("devstack_it_twice");
    }

    @Test
    void postgres_createDatabase_rejectsNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> stack.postgres().createDatabase("x\"; DROP DATABASE cachepipe; --"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a plain lowercase identifier");
    }

    // --- Kafka --------------------------------------------------------------------------------

    @Test
    void kafka_roundTripsARecordThroughACreatedTopic() throws Exception {
        String topic = createTopic("devstack-it-roundtrip");

        produce(topic, "key-1", "hello");

        assertThat(awaitValues(topic, 1)).containsExactly("hello");
    }

    @Test
    void kafka_doesNotCreateTopicsOnFirstUse() throws Exception {
        try (Admin admin = admin()) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            assertThat(admin.listTopics().names().get()).doesNotContain("devstack-it-never-created");
        }
    }

    // --- Redis --------------------------------------------------------------------------------

    @Test
    void redis_answersPing_andKeepsAValue_overARawSocket() throws IOException {
        assertThat(rawRedis("PING")).isEqualTo("+PONG\r\n");
        assertThat(rawRedis("SET", "devstack:it:greeting", "hej")).isEqualTo("+OK\r\n");
        assertThat(rawRedis("GET", "devstack:it:greeting")).isEqualTo("$3\r\nhej\r\n");
    }

    // --- Restarts -----------------------------------------------------------------------------

    @Test
    void postgres_keepsItsDataAndPort_acrossARestart() throws SQLException {
        assumeThat(stack.provider()).isEqualTo(Provider.EMBEDDED);
        PostgresServer postgres = stack.postgres();
        int port = postgres.port();
        execute(postgres.jdbcUrl(), """
                CREATE TABLE IF NOT EXISTS restart_probe (id int PRIMARY KEY, note text);
                INSERT INTO restart_probe VALUES (1, 'survives') ON CONFLICT (id) DO NOTHING;
                """);

        postgres.stop();
        assertThat(postgres.isRunning()).isFalse();
        assertThatThrownBy(() -> connect(postgres.jdbcUrl()).close()).isInstanceOf(SQLException.class);
        postgres.start();

        assertThat(postgres.isRunning()).isTrue();
        assertThat(postgres.port()).isEqualTo(port);
        assertThat(queryValue(postgres.jdbcUrl(), "SELECT note FROM restart_probe WHERE id = 1")).isEqualTo("survives");
    }

    @Test
    void kafka_keepsTopicsAndRecordsAndPort_acrossARestart() throws Exception {
        assumeThat(stack.provider()).isEqualTo(Provider.EMBEDDED);
        KafkaServer kafka = stack.kafka();
        String bootstrap = kafka.bootstrapServers();
        String topic = createTopic("devstack-it-restart");
        produce(topic, "k", "before restart");

        kafka.stop();
        assertThat(kafka.isRunning()).isFalse();
        kafka.start();

        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
        produce(topic, "k", "after restart");
        assertThat(awaitValues(topic, 2)).containsExactly("before restart", "after restart");
    }

    @Test
    void redis_comesBackEmpty_onTheSamePort_afterARestart() throws IOException {
        assumeThat(stack.provider()).isEqualTo(Provider.EMBEDDED);
        RedisServer redis = stack.redis();
        int port = redis.port();
        rawRedis("SET", "devstack:it:volatile", "gone after restart");

        redis.stop();
        assertThatThrownBy(() -> rawRedis("PING")).isInstanceOf(IOException.class);
        redis.start();

        assertThat(redis.port()).isEqualTo(port);
        assertThat(rawRedis("GET", "devstack:it:volatile")).isEqualTo("$-1\r\n");
    }

    @Test
    void stopAndStart_areIdempotent() {
        assumeThat(stack.provider()).isEqualTo(Provider.EMBEDDED);
        RedisServer redis = stack.redis();

        redis.start();
        redis.stop();
        redis.stop();
        redis.start();

        assertThat(redis.isRunning()).isTrue();
    }

    // --- Describe -----------------------------------------------------------------------------

    @Test
    void describe_givesPasteableCommandsForEveryServer() {
        assertThat(stack.describe())
                .contains("psql postgresql://postgres:postgres@" + stack.postgres().host() + ":" + stack.postgres().port() + "/cachepipe")
                .contains("kcat -b " + stack.kafka().bootstrapServers() + " -L")
                .contains("redis-cli -h " + stack.redis().host() + " -p " + stack.redis().port());
    }

    // --- helpers ------------------------------------------------------------------------------

    private static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url, stack.postgres().user(), stack.postgres().password());
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String queryValue(String url, String sql) throws SQLException {
        try (Connection connection = connect(url);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            assertThat(rows.next()).as("a row from: %s", sql).isTrue();
            return rows.getString(1);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()));
    }

    private static String createTopic(String prefix) throws Exception {
        String topic = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        return topic;
    }

    private static void produce(String topic, String key, String value) throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** All values of a one-partition topic from the beginning, once there are at least {@code count}. */
    private static List<String> awaitValues(String topic, int count) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
                    values.add(record.value());
                }
                return values.size() >= count;
            });
        }
        return values;
    }

    /** One command over a fresh raw socket; the reply's bytes exactly as Redis sent them. */
    private static String rawRedis(String... command) throws IOException {
        StringBuilder request = new StringBuilder("*" + command.length + "\r\n");
        for (String part : command) {
            request.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
        }
        try (java.net.Socket socket = new java.net.Socket(stack.redis().host(), stack.redis().port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            java.io.InputStream in = socket.getInputStream();
            String firstLine = readLine(in);
            if (firstLine.startsWith("$") && !firstLine.equals("$-1\r\n")) {
                int length = Integer.parseInt(firstLine.substring(1).strip());
                return firstLine + new String(in.readNBytes(length + 2), StandardCharsets.UTF_8);
            }
            return firstLine;
        }
    }

    private static String readLine(java.io.InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            line.write(b);
            if (b == '\n') {
                break;
            }
        }
        if (line.size() == 0) {
            throw new java.io.EOFException("Redis closed the connection without a reply");
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
