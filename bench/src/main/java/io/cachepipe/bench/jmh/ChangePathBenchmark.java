package io.cachepipe.bench.jmh;

import io.cachepipe.core.change.ChangeEnvelopes;
import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.MalformedChangeException;
import io.cachepipe.core.json.Json;
import io.cachepipe.core.render.PlainRowView;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.ChangeMapper;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.examples.ExampleSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The invalidator's in-process work per change, step by step, on the demo catalog's product changes
 * ({@link ProductChanges}: Debezium envelopes of a bench run's shape, Zipf-picked rows, a fifth of
 * them moves to another category): parsing the envelope, mapping the change to the cache targets it
 * affects, naming a cache key, and rendering a row view's new value from the after image. What the
 * process spends beyond these (Kafka, Redis round trips, the JVM) is what {@code bin/bench stages}
 * measures around them.
 *
 * <p>{@code shape} picks the views: {@code row} is {@code product} (one key per change), {@code listing}
 * is {@code category-products} (a pattern group: every page of the category), {@code aggregate} is
 * {@code category} (two sources; a product change binds its category), {@code catalog} all four views
 * of the demo, as the invalidator maps them.
 *
 * <p>Run from the repository root:
 * <pre>
 * bin/bench jmh ChangePathBenchmark                  # JMH's options follow, e.g. -f 1 -wi 3 -i 5 -p shape=row
 * java -cp "bench/target/cachepipe-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main ChangePathBenchmark   # after a build
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"-Xmx512m"})
public class ChangePathBenchmark {
    private static final int CHANGES = 1 << 12;
    private static final int PRODUCTS = 10_000;
    private static final int CATEGORIES = 100;
    private static final ViewCatalog CATALOG = ViewsFile.load(ExampleSchema.CATALOG.viewsLocation());

    /** The changes, cycled through in order, and what parses and renders them. */
    @State(Scope.Thread)
    public static class Changes {
        final ProductChanges changes = new ProductChanges(CHANGES, PRODUCTS, CATEGORIES, 42);
        final ChangeEnvelopes envelopes = new ChangeEnvelopes(Json.mapper());
        final PlainRowView productRow = RowViews.of(CATALOG.view("product").orElseThrow(), RowViews.PRODUCT);
        int next;

        @Setup
        public void check() {
            if (productRow.newValue(changes.events[0], Map.of("id", changes.productIds[0])) == null) {
                throw new IllegalStateException("the product view renders nothing from the benchmark's after images");
            }
        }

        int next() {
            next = (next + 1) & (CHANGES - 1);
            return next;
        }
    }

    /** The views a change is mapped over. */
    @State(Scope.Thread)
    public static class Mapping {
        @Param({"row", "listing", "aggregate", "catalog"})
        public String shape = "catalog";
        ChangeMapper mapper = new ChangeMapper(CATALOG);

        @Setup
        public void setUp() {
            mapper = new ChangeMapper(shape.equals("catalog") ? CATALOG : new ViewCatalog(List.of(view(shape))));
        }
    }

    /** The view whose keys are named, and the parameters of each change's key in it. */
    @State(Scope.Thread)
    public static class Keys {
        @Param({"row", "listing", "aggregate"})
        public String shape = "row";
        ViewDefinition view = view("row");
        final KeySpace keySpace = new KeySpace("cp:", CATALOG);
        @SuppressWarnings("unchecked")
        Map<String, Object>[] params = new Map[0];

        @Setup
        @SuppressWarnings("unchecked")
        public void setUp(Changes changes) {
            view = view(shape);
            params = new Map[CHANGES];
            int pages = PRODUCTS / CATEGORIES / 20;
            for (int i = 0; i < CHANGES; i++) {
                long id = changes.changes.productIds[i];
                long category = changes.changes.categoryIds[i];
                params[i] = switch (shape) {
                    case "row" -> Map.of("id", id);
                    case "listing" -> Map.of("category_id", category, "page", (int) (id % pages) + 1);
                    default -> Map.of("id", category);
                };
            }
        }
    }

    static ViewDefinition view(String shape) {
        String name = switch (shape) {
            case "row" -> "product";
            case "listing" -> "category-products";
            case "aggregate" -> "category";
            default -> throw new IllegalArgumentException("no view shape " + shape);
        };
        return CATALOG.view(name).orElseThrow();
    }

    /** Debezium's JSON envelope into a {@link ChangeEvent}: what every change costs first. */
    @Benchmark
    public @Nullable ChangeEvent parse(Changes state) throws MalformedChangeException {
        int i = state.next();
        return state.envelopes.parse(state.changes.keys[i], state.changes.values[i]);
    }

    /** The cache targets of a change, through both row images. */
    @Benchmark
    public List<CacheTarget> targets(Changes state, Mapping mapping) {
        return mapping.mapper.targets(state.changes.events[state.next()]);
    }

    /** The Redis key of one target: rendering the template, and the hash tag of a pattern view. */
    @Benchmark
    public CacheKey key(Changes state, Keys keys) {
        return keys.keySpace.key(keys.view, keys.params[state.next()]);
    }

    /** The product view's new value from the after image: what the invalidator writes instead of a delete and a reload. */
    @Benchmark
    public byte @Nullable [] newValue(Changes state) {
        int i = state.next();
        return state.productRow.newValue(state.changes.events[i], Map.of("id", state.changes.productIds[i]));
    }
}
