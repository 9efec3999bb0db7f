package io.cachepipe.cdc;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.Secrets;
import io.cachepipe.store.kafka.KafkaClients;
import io.cachepipe.store.kafka.SchemaChangeNotice;
import io.cachepipe.store.kafka.Topics;
import io.cachepipe.store.kafka.Watermarks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/** The Debezium engine configuration cachepipe runs with: the one place Debezium's keys appear. */
final class DebeziumProperties {
    /** How long a call of the offset store's Kafka clients may take (the admin's floor is its request timeout). */
    static final int OFFSET_STORE_TIMEOUT_MS = 10_000;

    private DebeziumProperties() {
    }

    static Properties of(PostgresConfig postgres, KafkaConfig kafka, CdcConfig cdc, Collection<TableName> capturedTables) {
        List<TableName> tables = new ArrayList<>(capturedTables);
        if (cdc.heartbeatTable() != null) {
            // in the include list so that the filtered publication carries the heartbeat writes
            tables.add(cdc.heartbeatTable());
        }
        if (cdc.signalTable() != null) {
            // pgoutput: a signal is seen only if its table is in the publication
            tables.add(cdc.signalTable());
        }
        var topics = new Topics(kafka.topicPrefix());
        // Kafka's client settings (kafka.properties.*) at the top level reach the clients of Debezium's offset store.
        var props = KafkaClients.properties(kafka);
        props.setProperty("name", engineName(kafka));
        props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.setProperty("topic.prefix", kafka.topicPrefix());

        // Durable position: offsets in a Kafka topic, flushed often so a crash re-sends little.
        props.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        props.setProperty("offset.storage.topic", topics.cdcOffsets());
        props.setProperty("offset.storage.partitions", "1");
        props.setProperty("offset.storage.replication.factor", Short.toString(kafka.replicationFactor()));
        props.setProperty("offset.flush.interval.ms", Long.toString(cdc.offsetFlush().toMillis()));
        props.setProperty("offset.flush.timeout.ms", "10000");
        // Debezium reads its stored offsets back on every commit (PostgresConnectorTask.performCommit), on the poll
        // thread: the offset store's admin asks for the topic's end offsets and, when the leader of that partition was
        // lost, waits out the whole default.api.timeout.ms (60 s) before retrying, capture stalled all along. 10 s
        // bounds the stall after a broker loss; the store retries by itself. An operator's kafka.properties.* win.
        props.putIfAbsent("default.api.timeout.ms", Integer.toString(OFFSET_STORE_TIMEOUT_MS));
        props.putIfAbsent("request.timeout.ms", Integer.toString(OFFSET_STORE_TIMEOUT_MS));

        database(postgres.jdbcUrl()).forEach(props::setProperty);
        props.setProperty("database.user", postgres.user());
        props.setProperty("database.password", postgres.password());

        props.setProperty("plugin.name", "pgoutput");
        props.setProperty("slot.name", cdc.slot());
        props.setProperty("publication.name", cdc.publication());
        props.setProperty("publication.autocreate.mode", "filtered");
        // A change to a partitioned table's row comes under the partition's name otherwise, which no view names, and no
        // view would hear of it. Debezium sets this on a publication it creates; PublicationGuard on one that exists.
        props.setProperty("publish.via.partition.root", "true");
        props.setProperty("table.include.list", tables.stream()
                .map(table -> quote(table.schema()) + "\\." + quote(table.table())).collect(Collectors.joining(",")));
        props.setProperty("snapshot.mode", cdc.snapshot().name().toLowerCase(Locale.ROOT));
        // The initial snapshot reads the captured tables side by side (the demo's 30k rows: 6.0 -> 4.5 s).
        props.setProperty("snapshot.max.threads", Integer.toString(Math.max(1, Math.min(4, capturedTables.size()))));

        // Latency: hand batches over as soon as WAL arrives (stack-facts.md).
        props.setProperty("poll.interval.ms", Long.toString(cdc.pollInterval().toMillis()));
        props.setProperty("max.batch.size", Integer.toString(cdc.batching().maxBatchSize()));
        props.setProperty("max.queue.size", Integer.toString(cdc.batching().maxQueueSize()));
        props.setProperty("status.update.interval.ms", "1000");
        props.setProperty("heartbeat.interval.ms", Long.toString(cdc.heartbeatInterval().toMillis()));
        if (cdc.heartbeatTable() != null) {
            props.setProperty("heartbeat.action.query", Heartbeats.actionQuery(cdc.heartbeatTable(), cdc.slot()));
        }
        // Logical decoding messages: only cachepipe's watermarks (see Watermarks) and schema changes (SchemaChangeTrigger),
        // on <prefix>.message.
        props.setProperty("message.prefix.include.list", quote(Watermarks.MESSAGE_PREFIX) + "," + quote(SchemaChangeNotice.MESSAGE_PREFIX));

        // Envelope: plain JSON, exact decimals, deletes followed by compaction tombstones, truncates kept.
        props.setProperty("converter.schemas.enable", "false");
        // A NULL is written as null. Kafka's JsonConverter otherwise writes a null field's schema default instead
        // (KAFKA-8713), and Debezium puts a column's constant DEFAULT into its schema: a NULL in a nullable column with
        // DEFAULT 'x' would reach the row image, and the cache, as 'x'. Debezium's own defaults go too: a streamed change's
        // source.snapshot is null, not "false" (CommitVisibility reads either).
        props.setProperty("converter.replace.null.with.default", "false");
        props.setProperty("decimal.handling.mode", "string");
        props.setProperty("tombstones.on.delete", "true");
        props.setProperty("skipped.operations", "none");
        // A connection error ends the engine instead of Debezium restarting its task inside it (after a fixed 10 s): CdcCapture's
        // supervisor starts a new engine with its own back-off, and checks the slot before each start (SlotGuard). A task
        // restarted inside the engine would create a dropped slot again and stream from now on, past the changes in between.
        props.setProperty("errors.max.retries", "0");

        // Signals (cachepipe resnapshot) from the signal table; Debezium's notifications on a topic of their own.
        if (cdc.signalTable() != null) {
            props.setProperty("signal.data.collection", cdc.signalTable().toString());
        }
        props.setProperty("notification.sink.topic.name", topics.cdcNotifications());

        // The operator's own connector properties (cdc.debezium.*) last: CdcConfig refused the ones cachepipe depends on.
        cdc.debezium().forEach(props::setProperty);
        // Channels the operator may add to, never take away: resnapshot signals through the table and waits on the sink.
        withChannel(props, "signal.enabled.channels", "source");
        withChannel(props, "notification.enabled.channels", "sink");
        return props;
    }

    /** The engine's name: with the topic prefix, the key of its stored position in the offsets topic. */
    static String engineName(KafkaConfig kafka) {
        return "cachepipe-cdc-" + kafka.topicPrefix();
    }

    /**
     * Debezium's database.* properties from the JDBC URL, parsed by the PostgreSQL driver itself: host,
     * port and database, and every URL parameter (sslmode, sslrootcert, sslcert, sslkey, ...), which
     * Debezium hands to its own JDBC connections and applies to its replication connection.
     */
    static Map<String, String> database(String jdbcUrl) {
        Properties parsed = org.postgresql.Driver.parseURL(jdbcUrl, new Properties());
        if (parsed == null) {
            throw new IllegalArgumentException("postgres.url is not a PostgreSQL JDBC URL the driver accepts: "
                    + Secrets.maskUrlPasswords(jdbcUrl));
        }
        String hosts = parsed.getProperty("PGHOST", "localhost");
        if (hosts.contains(",")) {
            throw new IllegalArgumentException("postgres.url names several hosts (" + hosts + "): cdc-capture reads the "
                    + "replication slot of one server, the primary; give its address (the API and warmer may use the list)");
        }
        Map<String, String> database = new LinkedHashMap<>();
        database.put("database.hostname", hosts);
        database.put("database.port", parsed.getProperty("PGPORT", "5432"));
        database.put("database.dbname", parsed.getProperty("PGDBNAME", ""));
        for (String name : parsed.stringPropertyNames()) {
            if (!name.startsWith("PG") && !name.equals("user") && !name.equals("password")) {
                database.put("database." + name, parsed.getProperty(name));
            }
        }
        return database;
    }

    /** Adds {@code channel} to a comma-separated channel list unless it is there. */
    private static void withChannel(Properties props, String key, String channel) {
        String given = props.getProperty(key, "").strip();
        boolean present = List.of(given.split("\\s*,\\s*")).contains(channel);
        props.setProperty(key, present ? given : given.isEmpty() ? channel : given + "," + channel);
    }

    /** Debezium's include list is a list of regular expressions: escape what identifiers may contain. */
    private static String quote(String identifier) {
        return identifier.replaceAll("([\\\\.$^*+?()\\[\\]{}|])", "\\\\$1");
    }
}
