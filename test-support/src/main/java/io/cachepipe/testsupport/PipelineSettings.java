package io.cachepipe.testsupport;

import io.cachepipe.devstack.DevStack;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings that point every cachepipe part, in-process or a child process, at one namespace of
 * a dev stack: its database, topic prefix, Redis key namespace, replication slot and publication.
 * Keys as in docs/configuration.md; a caller adds what its run needs (ports, state directories).
 */
public final class PipelineSettings {
    private PipelineSettings() {
    }

    /** A new mutable map, so the caller can add to it. */
    public static Map<String, String> of(DevStack stack, TestNamespace namespace, String viewsFile) {
        Map<String, String> settings = new HashMap<>();
        settings.put("postgres.url", namespace.jdbcUrl());
        settings.put("postgres.user", stack.postgres().user());
        settings.put("postgres.password", stack.postgres().password());
        settings.put("kafka.bootstrap", stack.kafka().bootstrapServers());
        settings.put("kafka.topic-prefix", namespace.topicPrefix());
        settings.put("redis.url", stack.redis().uri());
        settings.put("redis.namespace", namespace.keyPrefix());
        settings.put("views.file", viewsFile);
        settings.put("cdc.slot", namespace.name());
        settings.put("cdc.publication", namespace.name());
        return settings;
    }
}
