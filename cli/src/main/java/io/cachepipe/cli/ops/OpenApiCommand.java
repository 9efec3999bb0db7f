package io.cachepipe.cli.ops;

import io.cachepipe.api.ApiConfig;
import io.cachepipe.api.OpenApiDocument;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.ViewsFile;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cachepipe openapi}: the OpenAPI document an API with these settings serves at
 * {@code /openapi.json}, without starting one: for client generators, gateways and review of a views
 * file before it is deployed. The source of docs/openapi.json ({@code bin/update-openapi-docs}).
 */
@Command(name = "openapi", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the OpenAPI document of the API for a views file (what the API serves at /openapi.json).",
        footer = {"", "The limits and tokens it states (api.max-string-length, api.write-token) come from the settings.",
                "Exit codes: 0 done, 2 bad arguments, settings or views file."})
public final class OpenApiCommand extends OpsCommand {
    @Option(names = "--views", paramLabel = "<file>",
            description = "the views file (YAML), or classpath:<resource>; default: the views.file setting")
    @Nullable String views;

    @Override
    int run() {
        Settings settings = settings();
        String location = views != null ? views : settings.require(CacheConfig.VIEWS_FILE).get(CacheConfig.VIEWS_FILE);
        var document = OpenApiDocument.of(ViewsFile.load(location), ApiConfig.read(settings), MetricNames.version());
        out().print(OpenApiDocument.text(document));
        return DONE;
    }
}
