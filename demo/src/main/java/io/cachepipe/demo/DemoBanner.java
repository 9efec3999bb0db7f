package io.cachepipe.demo;

import io.cachepipe.core.config.SettingsFile;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.devstack.DevStack;
import java.nio.file.Path;
import java.util.Locale;

/** What the demo prints once everything is ready: where each server is and what to try. */
final class DemoBanner {
    private DemoBanner() {
    }

    /** The banner of a demo on the user's own schema and views: every route its views file declares. */
    /**
     * @param kafka the bootstrap servers the pipeline uses: the dev stack's broker, or the three of {@code --cluster}
     * @param redis how to reach the pipeline's Redis with redis-cli: the dev stack's server, or a node of {@code --cluster}'s
     */
    static String own(DevStack stack, String kafka, String redis, Demo.OwnSchema own, ViewCatalog catalog, int apiPort, Path settingsFile, long readyMillis) {
        var postgres = stack.postgres();
        String api = "http://127.0.0.1:" + apiPort;
        String psql = "psql postgresql://" + postgres.user() + ":" + postgres.password() + "@" + postgres.host() + ":"
                + postgres.port() + "/" + postgres.database();
        String routes = String.join("\n", DemoRoutes.lines(catalog, api).stream().map(line -> "    " + line).toList());
        return String.format(Locale.ROOT, """

                cachepipe demo is ready (%.1f s), on %s and %s.

                  Served (from the views file):
                %s
                              %s/cache/stats    %s/metrics    %s/openapi.json
                  PostgreSQL  %s
                  Kafka       kcat -b %s -L
                  Redis       %s

                Try it: read a route, change its row with psql behind the API's back, read it again.

                Operate it from another terminal (README, "Operating it"): ./cachepipe stats, audit, rebuild, ...
                  %s

                Press Ctrl-C to stop.
                """, readyMillis / 1000.0, own.schema(), own.views(), routes, api, api, api, psql,
                kafka, redis, whereToRunCommands(settingsFile));
    }

    static String text(DevStack stack, String kafka, String redis, int apiPort, Path settingsFile, long readyMillis) {
        var postgres = stack.postgres();
        String api = "http://127.0.0.1:" + apiPort;
        String psql = "psql postgresql://" + postgres.user() + ":" + postgres.password() + "@" + postgres.host() + ":"
                + postgres.port() + "/" + postgres.database();
        return String.format(Locale.ROOT, """

                cachepipe demo is ready (%.1f s).

                  API         %s/products/1
                              %s/categories/3/products?page=1
                              %s/cache/stats    %s/metrics
                  PostgreSQL  %s
                  Kafka       kcat -b %s -L
                  Redis       %s

                Try it: read a product, change it behind the API's back, read it again.
                  curl -i %s/products/1
                  %s -c "UPDATE products SET price = price + 1 WHERE id = 1"
                  curl -i %s/products/1        # new price, from the cache again (X-Cache: HIT or NEAR) once re-warmed

                Operate it from another terminal (README, "Operating it"): ./cachepipe stats, audit, rebuild, ...
                  %s

                Press Ctrl-C to stop.
                """, readyMillis / 1000.0, api, api, api, api, psql, kafka,
                redis, api, psql, api, whereToRunCommands(settingsFile));
    }

    /** Operator commands run in the demo's directory find its settings; anywhere else they need the export line. */
    private static String whereToRunCommands(Path settingsFile) {
        boolean foundByDefault = settingsFile.toAbsolutePath().equals(SettingsFile.DEFAULT_LOCATION.toAbsolutePath());
        return (foundByDefault ? "They find this demo's settings on their own in this directory. Anywhere else, first:\n  "
                : "First point them at this demo's settings:\n  ") + "  " + Demo.exportLine(settingsFile);
    }
}
