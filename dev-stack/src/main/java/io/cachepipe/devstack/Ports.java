package io.cachepipe.devstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Loopback ports: picking free ones, and failing early with advice when a fixed one is taken. */
final class Ports {
    static final String LOOPBACK = "127.0.0.1";

    /** Ports this JVM already handed out, so two servers starting together never get the same one. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    static int freePort() {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new DevStackException("Could not find a free port on " + LOOPBACK + ": " + e.getMessage(), e);
            }
        }
        throw new DevStackException("Could not find a free port on " + LOOPBACK + " in 20 attempts");
    }

    /** The port itself if fixed, else a free one. */
    static int fixedOrFree(int port) {
        return port != 0 ? port : freePort();
    }

    /**
     * @param server such as "PostgreSQL"
     * @param option how users set the port, such as "--postgres-port or CACHEPIPE_DEVSTACK_POSTGRES_PORT"
     */
    static void requireFree(int port, String server, String option) {
        requireFree(port, server, () -> "Stop what listens there (see: ss -ltnp 'sport = :" + port
                + "'), or choose another port with " + option + " (0 = any free port).");
    }

    /** @param remedy the sentence that tells the user what to do */
    static void requireFree(int port, String server, java.util.function.Supplier<String> remedy) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
        } catch (IOException e) {
            throw new DevStackException(server + " cannot listen on " + LOOPBACK + ":" + port + " because it is in use ("
                    + e.getMessage() + "). " + remedy.get(), e);
        }
    }
}
