package io.cachepipe.bench;

import io.cachepipe.core.json.Json;
import io.cachepipe.devstack.DevStack;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench stages}: the cost model, each pipeline stage alone on a backlog ({@link StagesBenchmark}). */
@Command(name = "stages", mixinStandardHelpOptions = true,
        description = {"Each stage alone on a backlog of changes: cdc-capture -> Kafka, the invalidator, the warmer, then "
                + "cachepipe rebuild beside pipelined SET. Per stage: changes/s, CPU µs per change from the stage's own process, "
                + "and how busy the machine was."})
final class StagesCommand extends BenchCommand.Common implements Callable<Integer> {
    @Option(names = "--changes", description = "changes per measured drain; warm-up drains are a quarter (default: ${DEFAULT-VALUE})")
    int changes = 50_000;
    @Option(names = "--products", description = "products in the catalog (default: ${DEFAULT-VALUE})") int products = 10_000;
    @Option(names = "--categories", description = "categories in the catalog (default: ${DEFAULT-VALUE})") int categories = 100;
    @Option(names = "--quick", description = "a smoke run: 1,000 products in 20 categories, 4,000 changes") boolean quick;
    @Option(names = "--set", description = "a pipeline setting for this run, key=value as in docs/configuration.md (repeatable), "
            + "e.g. --set cdc.poll-interval=1ms") Map<String, String> overrides = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (quick) {
            products = Math.min(products, 1_000);
            categories = Math.min(categories, 20);
            changes = Math.min(changes, 4_000);
        }
        if (changes < 400) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--changes must be at least 400 (four 100-row transactions per warm-up drain), was " + changes);
        }
        StagesReport report;
        try (DevStack stack = startStack()) {
            System.out.println("Cost per stage");
            report = new StagesBenchmark(stack, new StagesBenchmark.Options(products, categories, changes, overrides), System.out).run();
        }
        System.out.print(StagesDoc.text(report));
        Path file = outDir().resolve(BenchCommand.STAGES_JSON);
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), report);
        System.out.println("Report: " + file.toAbsolutePath());
        if (publish) {
            BenchCommand.writePage();
        }
        return 0;
    }
}
