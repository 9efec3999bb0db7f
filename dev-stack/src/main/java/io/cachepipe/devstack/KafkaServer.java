package io.cachepipe.devstack;

/** A single Kafka broker. Topics are not created automatically: create the ones you use. */
public interface KafkaServer extends ManagedServer {
    /** {@code host:port}, for {@code bootstrap.servers}. */
    String bootstrapServers();
}
