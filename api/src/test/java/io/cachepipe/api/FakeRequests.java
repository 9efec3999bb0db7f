package io.cachepipe.api;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/** A request as a handler sees it, without a server: for unit tests of single checks. Answers only what they ask. */
final class FakeRequests {
    private FakeRequests() {
    }

    static Context request(String method, Map<String, String> headers, byte[] body, Map<String, String> sent) {
        return request(method, headers, () -> body, sent);
    }

    /** {@code body} may throw, as Jetty does when a client goes away mid-body. */
    static Context request(String method, Map<String, String> headers, Supplier<byte[]> body, Map<String, String> sent) {
        Map<String, String> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        byName.putAll(headers);
        var servlet = (HttpServletRequest) Proxy.newProxyInstance(FakeRequests.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, call, args) -> switch (call.getName()) {
                    case "getMethod" -> method;
                    case "getHeader" -> byName.get((String) args[0]);
                    case "getContentLengthLong" -> byName.containsKey("Content-Length") ? Long.parseLong(byName.get("Content-Length")) : -1L;
                    default -> throw new UnsupportedOperationException(call.getName());
                });
        return (Context) Proxy.newProxyInstance(FakeRequests.class.getClassLoader(), new Class<?>[] {Context.class}, (proxy, call, args) -> {
            switch (call.getName()) {
                case "req":
                    return servlet;
                case "method":
                    return io.javalin.http.HandlerType.findOrDefault(method);
                case "path":
                    return "/test";
                case "bodyAsBytes":
                    return body.get();
                case "header":
                    if (args.length == 1) {
                        return byName.get((String) args[0]);
                    }
                    sent.put((String) args[0], (String) args[1]);
                    return proxy;
                default:
                    throw new UnsupportedOperationException(call.getName());
            }
        });
    }
}
