package io.cachepipe.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on loopback that a test puts between one process and a server (Redis, a Kafka
 * listener), so that the network between the two can misbehave while both keep running, without
 * root or {@code tc}: point the process at {@link #address()} instead of the server.
 *
 * <ul>
 *   <li>{@link #delay(Duration)}: every chunk of bytes is held that long before it is passed on, in
 *       each direction (a request and its answer take twice that longer); order is kept and the
 *       throughput is not capped, as with a slow link rather than a slow server.</li>
 *   <li>{@link #stall()}: a black hole. Connections stay open and new ones are accepted, but nothing
 *       passes in either direction; what is sent meanwhile waits, as TCP retransmits across a
 *       partition, and arrives after {@link #heal()}, unless a client gave up and closed first.</li>
 *   <li>{@link #resetAll()}: every open connection is closed with a TCP reset on both sides.</li>
 *   <li>{@link #heal()}: no delay, no stall.</li>
 * </ul>
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.start("invalidator-redis", "127.0.0.1", redisPort)) {
 *     env.put("CACHEPIPE_REDIS_URL", "redis://" + proxy.address());
 *     proxy.delay(Duration.ofMillis(100));
 *     proxy.stall();
 *     proxy.heal();
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
    private final String name;
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final Set<ProxyLink> links = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition flowing = lock.newCondition();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong forwarded = new AtomicLong();
    private volatile long delayNanos;
    private volatile boolean stalled;
    private volatile boolean closed;

    private FaultProxy(String name, ServerSocket server, InetSocketAddress target) {
        this.name = name;
        this.server = server;
        this.target = target;
    }

    /** A proxy on a free loopback port. */
    public static FaultProxy start(String name, String targetHost, int targetPort) {
        return start(name, 0, targetHost, targetPort);
    }

    /** A proxy on {@code port} of the loopback interface (0: a free one), forwarding to {@code targetHost:targetPort}. */
    public static FaultProxy start(String name, int port, String targetHost, int targetPort) {
        try {
            var server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            var proxy = new FaultProxy(name, server, new InetSocketAddress(targetHost, targetPort));
            Thread.ofPlatform().daemon().name("fault-proxy-" + name).start(proxy::acceptLoop);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("fault proxy " + name + " cannot listen on port " + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, for a client's server setting. */
    public String address() {
        return server.getInetAddress().getHostAddress() + ":" + port();
    }

    /** Holds every chunk {@code delay} before passing it on, in each direction; {@link Duration#ZERO} for none. */
    public FaultProxy delay(Duration delay) {
        delayNanos = delay.toNanos();
        return this;
    }

    /** Passes nothing on, in either direction, on open or new connections, until {@link #heal()}. */
    public FaultProxy stall() {
        stalled = true;
        return this;
    }

    /** Closes every open connection with a reset (RST) on both sides; new connections are accepted as before. */
    public FaultProxy resetAll() {
        links.forEach(ProxyLink::reset);
        return this;
    }

    /** No delay and no stall: what waited is passed on now. */
    public FaultProxy heal() {
        delayNanos = 0;
        lock.lock();
        try {
            stalled = false;
            flowing.signalAll();
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** Connections accepted since the start. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int open() {
        return links.size();
    }

    /** Bytes passed on since the start, both directions together. */
    public long forwarded() {
        return forwarded.get();
    }

    long delayNanos() {
        return delayNanos;
    }

    void countForwarded(int bytes) {
        forwarded.addAndGet(bytes);
    }

    /** Blocks while the proxy is stalled; answers false if it was closed meanwhile. */
    boolean awaitFlowing() throws InterruptedException {
        lock.lock();
        try {
            while (stalled && !closed) {
                flowing.await();
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    void forget(ProxyLink link) {
        links.remove(link);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                accepted.incrementAndGet();
                var link = new ProxyLink(this, name, client, target);
                links.add(link);
                Thread.ofVirtual().name("fault-proxy-" + name + "-connect").start(link::run);
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("fault proxy " + name + ": accept failed: " + e.getMessage());
                }
            }
        }
    }

    /** Stops listening and resets every connection. */
    @Override
    public void close() {
        closed = true;
        heal();
        try {
            server.close();
        } catch (IOException e) {
            System.err.println("fault proxy " + name + ": close failed: " + e.getMessage());
        }
        resetAll();
    }

    @Override
    public String toString() {
        return "FaultProxy[" + name + " " + address() + " -> " + target.getHostString() + ":" + target.getPort()
                + (stalled ? ", stalled" : "") + (delayNanos > 0 ? ", delay " + delayNanos / 1_000_000 + " ms" : "") + "]";
    }
}
