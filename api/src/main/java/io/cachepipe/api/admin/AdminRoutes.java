package io.cachepipe.api.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.ParamType;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.ops.ViewSelection;
import io.cachepipe.ops.flush.Flusher;
import io.cachepipe.ops.warm.KeyWarming;
import io.cachepipe.ops.warm.WarmTargets;
import io.cachepipe.store.postgres.BatchLoader;
import io.cachepipe.store.postgres.LoadTimer;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.HotKeyStore;
import io.cachepipe.store.redis.ReplayStatus;
import io.cachepipe.store.redis.ViewKeys;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.PatternSyntaxException;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/*}: the operator's cache controls over HTTP, each behind {@link AdminAuth}.
 *
 * <ul>
 *   <li>{@code POST /admin/warm?views=a,b&limit=N&hot=true&dry-run=true}: loads keys (the hottest, or the
 *       views' registered keys) in batches and fills them under the read path's leases.</li>
 *   <li>{@code POST /admin/flush?view=V&pattern=P&scan=false&dry-run=false}: drops a view's values through
 *       its registry (SCAN only when asked), then clears every near cache.</li>
 *   <li>{@code GET /admin/hot-keys?limit=N}: this instance's sketch and the shared hot-key set.</li>
 *   <li>{@code GET /admin/replay/status}: what the last {@code cachepipe replay} recorded.</li>
 * </ul>
 */
public final class AdminRoutes {
    private static final Logger log = LoggerFactory.getLogger(AdminRoutes.class);
    /** Bounds and defaults of the routes' parameters (the OpenAPI document states them too). */
    public static final int MAX_LIMIT = 100_000;
    public static final int MAX_PATTERN = 512;
    public static final int WARM_LIMIT = 1000;
    public static final int HOT_KEYS_LIMIT = 50;

    private final AdminAuth auth;
    private final ViewCatalog catalog;
    private final CacheStore store;
    private final HotKeys hotKeys;
    private final HotKeyStore hotKeyStore;
    private final WarmTargets targets;
    private final Flusher flusher;
    private final KeyWarming warming;
    private final ReplayStatus replayStatus;
    private final ObjectMapper json;

    public AdminRoutes(AdminAuth auth, ViewCatalog catalog, CacheStore store, DataSource dataSource, HotKeys hotKeys, ObjectMapper json) {
        this.auth = auth;
        this.catalog = catalog;
        this.store = store;
        this.hotKeys = hotKeys;
        this.hotKeyStore = new HotKeyStore(store);
        var viewKeys = new ViewKeys(store);
        this.targets = new WarmTargets(viewKeys, hotKeyStore);
        this.flusher = new Flusher(store, viewKeys);
        this.warming = new KeyWarming(store, new BatchLoader(dataSource, LoadTimer.Cause.WARM));
        this.replayStatus = new ReplayStatus(store.connector(), store.keySpace());
        this.json = json;
    }

    public void register(JavalinConfig config) {
        config.routes.before("/admin/*", auth::check);
        config.routes.post("/admin/warm", this::warm);
        config.routes.post("/admin/flush", this::flush);
        config.routes.get("/admin/hot-keys", this::hotKeys);
        config.routes.get("/admin/replay/status", this::replayStatus);
        if (auth.enabled()) {
            log.info("Admin routes enabled under /admin (bearer token set)");
        } else {
            log.info("Admin routes disabled: api.admin-token is not set");
        }
    }

    private void warm(Context ctx) throws Exception {
        Set<String> views = names(ctx.queryParam("views"));
        int limit = intParam(ctx, "limit", WARM_LIMIT);
        boolean hot = boolParam(ctx, "hot", true);
        boolean dryRun = boolParam(ctx, "dry-run", false);
        List<ViewDefinition> selected = selected(views);
        List<CacheKey> keys = hot ? targets.hottest(selected, limit, hotKeys.top(limit).keySet()).keys()
                : targets.registered(selected, limit).keys();
        KeyWarming.Result result = warming.warm(keys, 500, dryRun);
        ObjectNode body = json.createObjectNode();
        body.put("source", hot ? "hot keys" : "view registries");
        body.put("keys", result.keys()).put("written", result.written()).put("alreadyCached", result.alreadyCached())
                .put("busy", result.busy()).put("refused", result.refused()).put("databaseQueries", result.queries())
                .put("dryRun", dryRun);
        if (dryRun) {
            ArrayNode list = body.putArray("wouldWarm");
            keys.stream().limit(100).forEach(key -> list.add(key.redisKey()));
        }
        ctx.contentType("application/json").result(body.toString());
    }

    private void flush(Context ctx) {
        String name = ctx.queryParam("view");
        if (name == null || name.isBlank()) {
            throw ApiException.badRequest("flush needs ?view=<view> (declared: " + declared() + ")");
        }
        ViewDefinition view = selected(Set.of(name)).get(0);
        String pattern = ctx.queryParam("pattern");
        if (pattern != null && pattern.length() > MAX_PATTERN) {
            throw ApiException.badRequest("pattern is " + pattern.length() + " characters long; at most " + MAX_PATTERN + " are accepted");
        }
        Flusher.Result result;
        try {
            result = flusher.flush(view, pattern == null || pattern.isBlank() ? null : pattern,
                    boolParam(ctx, "scan", false), boolParam(ctx, "dry-run", false));
        } catch (PatternSyntaxException e) {
            // The glob's [...] classes become regular-expression classes: '[z-a]' or '[\]' do not compile.
            throw ApiException.badRequest("pattern " + ParamType.quoted(pattern == null ? "" : pattern) + " is not a valid glob: "
                    + e.getDescription() + " (use *, ?, [abc], [a-z] and \\ to escape)");
        }
        log.info("Admin flush of view {} (pattern {}): {} keys examined, {} values dropped", view.name(), pattern,
                result.examined(), result.flushed());
        ctx.contentType("application/json").result(json.valueToTree(result).toString());
    }

    private void hotKeys(Context ctx) {
        int limit = intParam(ctx, "limit", HOT_KEYS_LIMIT);
        ObjectNode body = json.createObjectNode();
        ObjectNode local = body.putObject("thisInstance");
        hotKeys.top(limit).forEach(local::put);
        ObjectNode shared = body.putObject("shared");
        hotKeyStore.top(limit).forEach(shared::put);
        ctx.contentType("application/json").result(body.toString());
    }

    private void replayStatus(Context ctx) {
        ObjectNode body = json.createObjectNode();
        Map<String, String> fields = replayStatus.read();
        if (fields.isEmpty()) {
            body.put("state", "none").put("detail", "no replay has run against this namespace");
        }
        fields.forEach(body::put);
        ctx.contentType("application/json").result(body.toString());
    }

    private List<ViewDefinition> selected(Set<String> names) {
        try {
            return ViewSelection.select(catalog, names);
        } catch (ViewSelection.UnknownViewException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    private String declared() {
        return ViewSelection.declared(catalog);
    }

    private static Set<String> names(@Nullable String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text != null) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.strip());
                }
            }
        }
        return out;
    }

    private static int intParam(Context ctx, String name, int fallback) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value < 1 || value > MAX_LIMIT) {
                throw ApiException.badRequest(name + " must be between 1 and " + MAX_LIMIT + ", was " + value);
            }
            return value;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, was " + ParamType.quoted(text));
        }
    }

    private static boolean boolParam(Context ctx, String name, boolean fallback) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw ApiException.badRequest(name + " must be true or false, was " + ParamType.quoted(text));
        };
    }
}
