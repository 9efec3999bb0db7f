package io.cachepipe.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One connection through a {@link FaultProxy}: the client's socket, the socket to the target, and
 * for each direction a reader that stamps every chunk with when it may be passed on and a writer
 * that waits for that moment (and while the proxy is stalled) before writing it. A half close is
 * passed on as one; an error on either side closes both.
 */
final class ProxyLink {
    private static final int CHUNK = 16 * 1024;
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    /** Bytes read at {@code readAt}; {@link #END} says the reader saw the end of the stream. */
    private record Chunk(long readAt, byte[] bytes) {
    }

    private static final Chunk END = new Chunk(0, new byte[0]);

    private final FaultProxy proxy;
    private final String name;
    private final Socket client;
    private final InetSocketAddress target;
    private final Socket upstream = new Socket();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger directionsOpen = new AtomicInteger(2);
    private final BlockingQueue<Chunk> toTarget = new LinkedBlockingQueue<>();
    private final BlockingQueue<Chunk> toClient = new LinkedBlockingQueue<>();

    ProxyLink(FaultProxy proxy, String name, Socket client, InetSocketAddress target) {
        this.proxy = proxy;
        this.name = name;
        this.client = client;
        this.target = target;
    }

    /** Connects to the target once the proxy is not stalled, then passes bytes both ways until either side ends. */
    void run() {
        try {
            if (!proxy.awaitFlowing()) {
                reset();
                return;
            }
            upstream.setTcpNoDelay(true);
            client.setTcpNoDelay(true);
            upstream.connect(target, CONNECT_TIMEOUT_MILLIS);
            if (upstream.getLocalSocketAddress().equals(upstream.getRemoteSocketAddress())) {
                // Nothing listened there, and the kernel gave the connection the target's own port as its
                // source: TCP connected the socket to itself. The target is gone, as if refused.
                reset();
                return;
            }
            start("up", client.getInputStream(), toTarget, upstream.getOutputStream(), upstream);
            start("down", upstream.getInputStream(), toClient, client.getOutputStream(), client);
        } catch (IOException e) {
            reset(); // the target refused or is gone: the client sees its connection reset
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reset();
        }
    }

    private void start(String direction, InputStream in, BlockingQueue<Chunk> queue, OutputStream out, Socket outSocket) {
        String thread = "fault-proxy-" + name + "-" + direction;
        Thread.ofVirtual().name(thread + "-read").start(() -> read(in, queue));
        Thread.ofVirtual().name(thread + "-write").start(() -> write(queue, out, outSocket));
    }

    private void read(InputStream in, BlockingQueue<Chunk> queue) {
        byte[] buffer = new byte[CHUNK];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                queue.add(new Chunk(System.nanoTime(), Arrays.copyOf(buffer, n)));
            }
            queue.add(END);
        } catch (IOException e) {
            close(false);
        }
    }

    private void write(BlockingQueue<Chunk> queue, OutputStream out, Socket outSocket) {
        try {
            while (!closed.get()) {
                Chunk chunk = queue.take();
                if (chunk == END) {
                    outSocket.shutdownOutput();
                    if (directionsOpen.decrementAndGet() == 0) {
                        close(false);
                    }
                    return;
                }
                long due = chunk.readAt() + proxy.delayNanos();
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.sleep(wait); // this wait is the injected latency
                }
                if (!proxy.awaitFlowing() || closed.get()) {
                    return;
                }
                out.write(chunk.bytes());
                out.flush();
                proxy.countForwarded(chunk.bytes().length);
            }
        } catch (IOException e) {
            close(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(false);
        }
    }

    /** Closes both sockets with a TCP reset. */
    void reset() {
        close(true);
    }

    private void close(boolean withReset) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        proxy.forget(this);
        quietlyClose(client, withReset);
        quietlyClose(upstream, withReset);
        toTarget.add(END); // wakes the writers, which find the link closed
        toClient.add(END);
    }

    private static void quietlyClose(Socket socket, boolean withReset) {
        try {
            if (withReset && !socket.isClosed()) {
                socket.setSoLinger(true, 0);
            }
            socket.close();
        } catch (IOException e) {
            // closing a socket the other side already reset: nothing left to do
        }
    }
}
