package io.cachepipe.cli;

import io.cachepipe.api.ApiConfig;
import io.cachepipe.cdc.CdcConfig;
import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.config.Setting;
import io.cachepipe.invalidator.InvalidatorConfig;
import io.cachepipe.ops.audit.AuditConfig;
import io.cachepipe.warmer.WarmerConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints every setting with its environment variable and default: the source of docs/configuration.md. */
@Command(name = "config", description = "Print every setting, its environment variable and its default, as Markdown.")
final class ConfigCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Every setting, grouped by the part that reads it. */
    static Map<String, List<Setting<?>>> allSettings() {
        Map<String, List<Setting<?>>> all = new LinkedHashMap<>();
        all.put("PostgreSQL", PostgresConfig.settings());
        all.put("Kafka", KafkaConfig.settings());
        all.put("Redis", RedisConfig.settings());
        all.put("Cache and views", CacheConfig.settings());
        all.put("cdc-capture", CdcConfig.settings());
        all.put("invalidator", InvalidatorConfig.settings());
        all.put("warmer", WarmerConfig.settings());
        all.put("audit (in the warmer process)", AuditConfig.settings());
        all.put("api", ApiConfig.settings());
        return all;
    }

    static String markdown() {
        var text = new StringBuilder();
        allSettings().forEach((part, settings) -> {
            text.append("\n### ").append(part).append("\n\n| key | environment | default | meaning |\n| --- | --- | --- | --- |\n");
            for (Setting<?> setting : settings) {
                String defaultValue = setting.defaultValue() == null ? "*required*"
                        : setting.defaultValue().isEmpty() ? "(empty)" : "`" + setting.defaultValue() + "`";
                if (setting.key().equals("invalidator.state-dir")) {
                    defaultValue = "`$TMPDIR/cachepipe-streams`";
                }
                text.append("| `").append(setting.key()).append("` | `").append(setting.env()).append("` | ")
                        .append(defaultValue).append(" | ").append(setting.description().replace("|", "\\|")).append(" |\n");
            }
        });
        return text.toString();
    }

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(markdown());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
