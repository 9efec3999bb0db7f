package io.cachepipe.api;

import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded hostile requests for {@link ApiFuzzIT}: every route of the demo catalog and the operator
 * routes, with values at the edges of their types, text made of key-template and glob characters,
 * random bodies, headers and methods, and now and then a request line or framing that is broken.
 */
final class FuzzRequests {
    /** One request: its bytes on the wire, and whether the client hangs up right after sending them. */
    record Request(byte[] bytes, boolean abort, String describe) {
    }

    private static final String[] METHODS = {"GET", "GET", "GET", "GET", "GET", "GET", "HEAD", "POST", "POST", "PUT", "PATCH",
        "PATCH", "PATCH", "DELETE", "OPTIONS", "TRACE", "get", "PROPFIND", "BREW", "X"};
    private static final String[] EDGES = {"1", "2", "5", "199", "200", "201", "0", "-1", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "18446744073709551617", "2147483647", "2147483648", "1e999999999", "-1e999999999", "1e-999999999",
        "1.5", "1.0", "0x10", "1_000", "", " ", "NaN", "Infinity", "-0", "+1", "\u0661\u0662", "00000000000000000000001", "1 ", "1%00"};
    private static final String SPECIAL = ":*{}?[]\\\n\r\t %#/'\"&=;,+\u0000\u00e9\ud83d\ude00<>|^`~";
    private static final String[] FIELDS = {"sku", "name", "price", "stock", "category_id", "id", "colour", "", "__proto__"};

    private final Random random;
    private final List<ViewDefinition> views;

    FuzzRequests(Random random, ViewCatalog catalog) {
        this.random = random;
        this.views = catalog.views();
    }

    Request next() {
        String method = pick(METHODS);
        String target = target();
        Map<String, String> headers = headers();
        byte[] body = random.nextInt(3) == 0 ? new byte[0] : body();
        int framing = random.nextInt(40);
        var wire = new ByteArrayOutputStream();
        if (framing == 0) {
            // Starts with a letter: a connection that sends only blank lines is still waiting for its request, rightly.
            String garbage = "Z" + text(random.nextInt(200));
            wire.writeBytes(garbage.getBytes(StandardCharsets.UTF_8));
            wire.writeBytes("\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return new Request(wire.toByteArray(), false, "garbage request line " + shorten(garbage));
        }
        var head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value.replace("\r", "").replace("\n", "")).append("\r\n"));
        boolean abort = framing == 1;
        if (body.length > 0 || abort) {
            head.append("Content-Length: ").append(abort ? body.length + 1000 : body.length).append("\r\n");
        }
        wire.writeBytes(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
        wire.writeBytes(body);
        String described = method + " " + shorten(target) + " " + headers.keySet() + " body " + shorten(new String(body, StandardCharsets.UTF_8));
        return new Request(wire.toByteArray(), abort, described);
    }

    private String target() {
        return switch (random.nextInt(14)) {
            case 0, 1 -> "/products/" + value();
            case 2 -> "/categories/" + value() + "/products" + query(Map.of("page", value()));
            case 3 -> "/categories/" + value();
            case 4 -> "/products/" + value() + "/reviews/summary";
            case 5, 6 -> "/views/" + (random.nextInt(4) == 0 ? value() : views.get(random.nextInt(views.size())).name()) + query(params());
            case 7 -> pick(new String[] {"/cache/stats", "/cache/summary", "/metrics", "/health/live", "/health/ready", "/noop"})
                    + (random.nextInt(4) == 0 ? query(params()) : "");
            case 8 -> "/admin/flush" + query(Map.of("view", pick(new String[] {"product", "category", value()}), "pattern", text(30),
                    "scan", pick(new String[] {"true", "false", value()}), "dry-run", pick(new String[] {"true", "false", value()})));
            case 9 -> pick(new String[] {"/admin/warm", "/admin/hot-keys", "/admin/replay/status"}) + query(Map.of("views", value(),
                    "limit", value(), "hot", pick(new String[] {"true", "false", value()}), "dry-run", "true"));
            case 10 -> "/products";
            case 11 -> "/" + raw(text(40));
            case 12 -> "/products/" + raw(value());
            default -> "/views/product?id=" + raw(value()) + "&" + raw(text(10)) + "=" + raw(text(10));
        };
    }

    private Map<String, String> params() {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : new String[] {"id", "category_id", "page", "product_id", "sort"}) {
            if (random.nextBoolean()) {
                params.put(random.nextInt(10) == 0 ? text(8) : name, value());
            }
        }
        return params;
    }

    private Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        if (random.nextInt(4) != 0) {
            headers.put("Content-Type", pick(new String[] {"application/json", "application/json; charset=utf-8", "text/plain",
                "application/x-www-form-urlencoded", "application/problem+json", text(20)}));
        }
        if (random.nextBoolean()) {
            headers.put("Authorization", pick(new String[] {"Bearer " + DemoApi.WRITE_TOKEN, "Bearer " + DemoApi.ADMIN_TOKEN,
                "Bearer " + text(20), "Basic " + text(10), "Bearer"}));
        }
        if (random.nextInt(5) == 0) {
            headers.put("X-Commit-LSN", pick(new String[] {"0/1", "0/16B3748", "7FFFFFFF/FFFFFFFF", "FFFFFFFF/FFFFFFFF", "-1/0", text(12)}));
        }
        if (random.nextInt(10) == 0) {
            headers.put("X-HTTP-Method-Override", pick(new String[] {"DELETE", "PUT", "PATCH", text(6)}));
        }
        if (random.nextInt(10) == 0) {
            headers.put("If-None-Match", pick(new String[] {"*", "\"x\"", text(30)}));
        }
        if (random.nextInt(20) == 0) {
            headers.put("X-Junk-" + random.nextInt(1000), text(random.nextInt(3) == 0 ? 6000 : 50));
        }
        return headers;
    }

    private byte[] body() {
        return switch (random.nextInt(10)) {
            case 0 -> text(random.nextInt(300)).getBytes(StandardCharsets.UTF_8);
            case 1 -> "[".repeat(random.nextInt(3000)).getBytes(StandardCharsets.UTF_8);
            case 2 -> (json() + pick(new String[] {" x", " {}", "]", ",", "\u0000"})).getBytes(StandardCharsets.UTF_8);
            case 3 -> ("{\"name\": \"" + "x".repeat(random.nextInt(40_000)) + "\"}").getBytes(StandardCharsets.UTF_8);
            default -> json().getBytes(StandardCharsets.UTF_8);
        };
    }

    private String json() {
        var out = new StringBuilder("{");
        int fields = random.nextInt(8);
        for (int i = 0; i < fields; i++) {
            out.append(i == 0 ? "" : ",").append('"').append(escape(random.nextInt(6) == 0 ? text(8) : pick(FIELDS))).append("\":")
                    .append(jsonValue(0));
        }
        return out.append('}').toString();
    }

    private String jsonValue(int depth) {
        return switch (random.nextInt(depth > 3 ? 6 : 9)) {
            case 0 -> "\"" + escape(text(random.nextInt(40))) + "\"";
            case 1 -> "\"" + escape(value()) + "\"";
            case 2 -> pick(new String[] {"true", "false", "null"});
            case 3, 4, 5 -> numberLiteral();
            case 6 -> "[" + jsonValue(depth + 1) + "," + jsonValue(depth + 1) + "]";
            case 7 -> "{\"a\":" + jsonValue(depth + 1) + "}";
            default -> "\"SKU-" + random.nextInt(1_000_000) + "\"";
        };
    }

    private String numberLiteral() {
        String edge = pick(EDGES);
        return edge.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?") ? edge : Integer.toString(random.nextInt(2000) - 1000);
    }

    private String value() {
        return random.nextInt(3) == 0 ? text(random.nextInt(12)) : pick(EDGES);
    }

    /** Random text weighted to the characters that matter to keys, globs, URLs and JSON. */
    private String text(int length) {
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.appendCodePoint(random.nextInt(3) == 0 ? SPECIAL.codePointAt(SPECIAL.offsetByCodePoints(0,
                    random.nextInt(SPECIAL.codePointCount(0, SPECIAL.length())))) : 'a' + random.nextInt(26));
        }
        return out.toString();
    }

    private String query(Map<String, String> params) {
        if (params.isEmpty()) {
            return "";
        }
        List<String> pairs = new ArrayList<>();
        params.forEach((name, value) -> pairs.add(encode(name) + "=" + encode(value)));
        return "?" + String.join("&", pairs);
    }

    private String encode(String text) {
        return random.nextInt(8) == 0 ? raw(text) : URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Text put on the request line as it is, less what would end the line or the target. */
    private static String raw(String text) {
        return text.replace("\r", "").replace("\n", "").replace(" ", "").replace("\t", "");
    }

    private static String escape(String text) {
        var out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\').appendCodePoint(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    private String pick(String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static String shorten(String text) {
        String oneLine = text.replace("\r", "\\r").replace("\n", "\\n");
        return oneLine.length() <= 120 ? oneLine : oneLine.substring(0, 120) + "…(" + oneLine.length() + ")";
    }
}
