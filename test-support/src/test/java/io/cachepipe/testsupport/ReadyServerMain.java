package io.cachepipe.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/** A stand-in for a cachepipe main in {@link PartProcessTest}: serves /health/ready on $PART_PORT, says how it stopped. */
public final class ReadyServerMain {
    private ReadyServerMain() {
    }

    public static void main(String[] args) throws IOException {
        System.out.println("greeting: " + System.getenv("PART_GREETING"));
        if (args.length > 0 && args[0].equals("fail")) {
            System.out.println("failing at start, as asked");
            System.exit(3);
        }
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("PART_PORT"))), 0);
        server.createContext("/health/ready", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            System.out.println("stopped gracefully");
        }));
        server.start();
    }
}
