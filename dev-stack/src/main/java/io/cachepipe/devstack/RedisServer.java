package io.cachepipe.devstack;

/** A standalone Redis server. */
public interface RedisServer extends ManagedServer {
    String host();

    int port();

    /** {@code redis://host:port} (with credentials or database when an external URL has them). */
    String uri();
}
