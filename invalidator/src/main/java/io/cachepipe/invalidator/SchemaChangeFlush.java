package io.cachepipe.invalidator;

import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.metrics.MetricNames;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.kafka.SchemaChangeNotice;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the invalidator does with a {@link SchemaChangeNotice}: a table's definition changed, so any value
 * cached from it may be rendered differently now, or hold what the rows held before a rewrite, and the
 * values of every view that reads it go ({@link EveryViewFlush}, those views alone). Their tombstones
 * are raised to the notice's version at least, so a load that read the rows before the change cannot
 * land after it. Runs on the stream thread; a failure (Redis away) fails the thread, whose replacement
 * reads the notice again.
 */
final class SchemaChangeFlush implements Consumer<SchemaChangeNotice> {
    private static final Logger log = LoggerFactory.getLogger(SchemaChangeFlush.class);

    private final EveryViewFlush flush;
    private final ViewCatalog catalog;
    private final Supplier<Version> newestApplied;
    private final Counter flushes;

    SchemaChangeFlush(EveryViewFlush flush, ViewCatalog catalog, Supplier<Version> newestApplied, MeterRegistry metrics) {
        this.flush = flush;
        this.catalog = catalog;
        this.newestApplied = newestApplied;
        this.flushes = Counter.builder(MetricNames.INVALIDATOR_SCHEMA_CHANGE_FLUSHES).register(metrics);
    }

    @Override
    public void accept(SchemaChangeNotice notice) {
        TableName table = notice.table();
        List<ViewDefinition> views = table == null ? catalog.views()
                : catalog.sourcesOf(table).stream().map(ViewCatalog.Source::view).distinct().toList();
        String altered = table == null ? "a type or domain" : "table " + table;
        if (views.isEmpty()) {
            log.info("Schema change of {} at {}: no view reads it", altered, notice.version());
            return;
        }
        long started = System.nanoTime();
        long dropped = flush.flush(views, notice.version().max(newestApplied.get()));
        flushes.increment();
        log.info("Schema change of {} at {}: dropped the {} cached values of {} in {} ms; reads fill them again from PostgreSQL",
                altered, notice.version(), dropped, views.stream().map(ViewDefinition::name).toList(),
                (System.nanoTime() - started) / 1_000_000);
    }
}
