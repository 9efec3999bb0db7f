package io.cachepipe.devstack;

import java.net.URI;
import java.net.URISyntaxException;
import org.jspecify.annotations.Nullable;

/** {@code redis://[[user]:password@]host[:port][/db]}, the form Lettuce and redis-cli accept. */
record RedisUrl(String host, int port, @Nullable String user, @Nullable String password, int database) {
    static final int DEFAULT_PORT = 6379;
    static final String FORMAT = "redis://[[user]:password@]host[:port][/database]";

    /** @throws IllegalArgumentException saying which part is wrong */
    static RedisUrl parse(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("expected " + FORMAT + " (" + e.getReason() + ")", e);
        }
        if (!"redis".equals(uri.getScheme())) {
            throw new IllegalArgumentException("expected " + FORMAT + "; scheme '" + uri.getScheme() + "' is not supported");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("expected " + FORMAT + "; no host");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        String path = uri.getPath() == null ? "" : uri.getPath();
        int database;
        try {
            database = path.isEmpty() || "/".equals(path) ? 0 : Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected " + FORMAT + "; database '" + path.substring(1) + "' is not a number", e);
        }
        String userInfo = uri.getUserInfo();
        if (userInfo == null) {
            return new RedisUrl(uri.getHost(), port, null, null, database);
        }
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            return new RedisUrl(uri.getHost(), port, null, userInfo, database);
        }
        String user = userInfo.substring(0, colon);
        return new RedisUrl(uri.getHost(), port, user.isEmpty() ? null : user, userInfo.substring(colon + 1), database);
    }
}
