package io.cachepipe.core.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The small HTTP port of the processes without an API (cdc-capture, invalidator, warmer):
 * {@code GET /metrics} for Prometheus ({@link MetricsPage}), {@code GET /health/live} (the process answers) and
 * {@code GET /health/ready} (it does its work) for orchestrators, {@code GET /version}. Uses the JDK's
 * built-in server: no web framework for four routes.
 */
public final class AdminServer implements AutoCloseable {
    private final HttpServer server;

    private AdminServer(HttpServer server) {
        this.server = server;
    }

    /** Starts on {@code port} (0 picks a free one). */
    public static AdminServer start(String host, int port, PrometheusMeterRegistry registry, BooleanSupplier ready) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
            server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "cachepipe-admin-http");
                thread.setDaemon(true);
                return thread;
            }));
            server.createContext("/metrics", exchange ->
                    respond(exchange, 200, MetricsPage.CONTENT_TYPE, MetricsPage.render(registry, exchange.getRequestURI().getRawQuery())));
            server.createContext("/health/live", exchange -> respond(exchange, 200, "application/json", "{\"live\":true}"));
            server.createContext("/version", exchange ->
                    respond(exchange, 200, "application/json", "{\"version\":\"" + MetricNames.version() + "\"}"));
            server.createContext("/health/ready", exchange -> {
                boolean ok = ready.getAsBoolean();
                respond(exchange, ok ? 200 : 503, "application/json", "{\"ready\":" + ok + "}");
            });
            server.start();
            return new AdminServer(server);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " for /metrics: " + e.getMessage()
                    + " (choose another admin port)", e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
