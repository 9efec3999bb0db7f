package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load generator's client against the JDK's HTTP server: bodies of every framing, status codes, keep-alive. */
class HttpConnectionTest {
    private HttpServer server;
    private final Set<Object> connections = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/fixed", exchange -> {
            connections.add(exchange.getRemoteAddress());
            byte[] body = "x".repeat(5000).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/chunked", exchange -> {
            connections.add(exchange.getRemoteAddress());
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 10; i++) {
                    out.write(("part " + i + " ").repeat(300).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
            }
        });
        server.createContext("/missing", exchange -> {
            connections.add(exchange.getRemoteAddress());
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void readsFixedAndChunkedBodies_andStatusCodes_onOneKeptAliveConnection() throws Exception {
        try (var connection = new HttpConnection(new InetSocketAddress("127.0.0.1", server.getAddress().getPort()))) {
            for (int i = 0; i < 20; i++) {
                assertThat(connection.get("/fixed")).isEqualTo(200);
                assertThat(connection.get("/chunked")).isEqualTo(200);
                assertThat(connection.get("/missing")).isEqualTo(404);
            }
        }
        assertThat(connections).as("every request reused the first connection").hasSize(1);
    }

    @Test
    void handsOverFixedAndChunkedBodiesWhenAsked() throws Exception {
        var body = new ByteArrayOutputStream();
        try (var connection = new HttpConnection(new InetSocketAddress("127.0.0.1", server.getAddress().getPort()))) {
            for (int i = 0; i < 3; i++) {
                assertThat(connection.get("/fixed", body)).isEqualTo(200);
                assertThat(body.toString(StandardCharsets.US_ASCII)).isEqualTo("x".repeat(5000));
                assertThat(connection.get("/chunked", body)).isEqualTo(200);
                assertThat(body.toString(StandardCharsets.US_ASCII)).startsWith("part 0 ").endsWith("part 9 ").hasSize(10 * 300 * 7);
                assertThat(connection.get("/missing", body)).isEqualTo(404);
                assertThat(body.size()).isZero();
            }
        }
        assertThat(connections).hasSize(1);
    }
}
