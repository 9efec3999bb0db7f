package io.cachepipe.cdc;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.KafkaConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.Settings;
import io.cachepipe.core.metrics.AdminServer;
import io.cachepipe.core.metrics.Metrics;
import io.cachepipe.core.process.PartStart;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs cdc-capture on its own, configured by environment variables (see docs/configuration.md). */
public final class CdcCaptureMain {
    private static final Logger log = LoggerFactory.getLogger(CdcCaptureMain.class);

    private CdcCaptureMain() {
    }

    public static void main(String[] args) {
        PartStart.run("cdc-capture", CdcCaptureMain::start);
    }

    private static void start() throws Exception {
        Settings settings = Settings.fromProcess(Map.of());
        Settings.Section<PostgresConfig> postgres = settings.section(PostgresConfig::read);
        Settings.Section<KafkaConfig> kafka = settings.section(KafkaConfig::read);
        Settings.Section<CdcConfig> cdc = settings.section(CdcConfig::read);
        Settings.Section<CacheConfig> cache = settings.section(CacheConfig::read);
        settings.validate();
        log.info("cdc-capture configuration: {}", settings.describeResolved());

        ViewCatalog catalog = ViewsFile.load(cache.get().viewsFile());
        var metrics = Metrics.prometheus("cdc-capture");
        var capture = new CdcCapture(postgres.get(), kafka.get(), cdc.get(), catalog, metrics);
        var admin = AdminServer.start("0.0.0.0", cdc.get().adminPort(), metrics, capture::isReady);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            capture.close();
            admin.close();
        }, "cachepipe-cdc-shutdown"));
        capture.start();
    }
}
