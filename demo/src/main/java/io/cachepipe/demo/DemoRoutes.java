package io.cachepipe.demo;

import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.WriteDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a demo on the user's own views serves, read from the views file: each view's route (or the
 * generic {@code /views/<name>} with its parameters as a query) and each write endpoint.
 */
final class DemoRoutes {
    private DemoRoutes() {
    }

    static List<String> lines(ViewCatalog catalog, String api) {
        List<String> lines = new ArrayList<>();
        for (ViewDefinition view : catalog.views()) {
            String path = view.route() != null ? view.route() : "/views/" + view.name() + view.params().keySet().stream()
                    .map(param -> param + "={" + param + "}").collect(Collectors.joining("&", "?", ""));
            lines.add(String.format("GET  %-48s view %s%s", api + path, view.name(),
                    view.description() == null ? "" : ": " + view.description().strip()));
        }
        for (WriteDefinition write : catalog.writes()) {
            lines.add(String.format("%-4s %-48s write %s", write.method(), api + write.route(), write.name()));
        }
        return lines;
    }
}
