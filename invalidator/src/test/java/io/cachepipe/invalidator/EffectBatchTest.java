package io.cachepipe.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.ChangeOp;
import io.cachepipe.core.change.TableName;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewDefinition;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EffectBatchTest {
    private final ViewCatalog catalog = TestCatalog.CATALOG;
    private final ViewDefinition product = catalog.view("product").orElseThrow();
    private final ViewDefinition listing = catalog.view("category-products").orElseThrow();
    private final KeySpace keys = new KeySpace("cp:", catalog);

    private EffectBatch.Change change(long version, byte[] image, CacheTarget... targets) {
        var event = new ChangeEvent(new TableName("public", "products"), ChangeOp.UPDATE, null, null, null, new Version(version), version, 0);
        List<byte[]> images = new ArrayList<>();
        for (CacheTarget target : targets) {
            images.add(target instanceof CacheTarget.Key ? image : null);
        }
        return new EffectBatch.Change(event, List.of(targets), images, new RecordSource("t", 0, version, null, null, 0));
    }

    private CacheTarget.Key row(long id) {
        return new CacheTarget.Key(product, Map.of("id", id));
    }

    private CacheTarget.Group category(long id) {
        return new CacheTarget.Group(listing, Map.of("category_id", id));
    }

    @Test
    void aThousandChangesOfOneCategory_invalidateItsListingsOnce_atTheNewestVersion() {
        List<EffectBatch.Change> changes = new ArrayList<>();
        for (long i = 1; i <= 1000; i++) {
            changes.add(change(0x100 + i, null, row(i), category(3)));
        }

        var batch = new EffectBatch(keys, changes);

        assertThat(batch.nearCacheGroups()).containsExactly("cp:{category:3}:products:page:*");
        assertThat(batch.nearCacheKeys()).hasSize(1000);
        assertThat(batch.changes()).hasSize(1000);
        List<EffectBatch.Effect> effects = batch.effects();
        assertThat(effects).filteredOn(EffectBatch.GroupEffect.class::isInstance).singleElement()
                .satisfies(effect -> assertThat(effect.cause().version()).isEqualTo(new Version(0x100 + 1000)));
    }

    @Test
    void ofTwoChangesToOneKey_theNewerWins_andOfOneTransactionTheLaterOne() {
        byte[] first = "{\"v\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] second = "{\"v\":2}".getBytes(StandardCharsets.UTF_8);
        byte[] third = "{\"v\":3}".getBytes(StandardCharsets.UTF_8);

        var batch = new EffectBatch(keys, List.of(change(0x300, second, row(1)), change(0x200, first, row(1)), change(0x300, third, row(1))));

        List<EffectBatch.Effect> effects = batch.effects();
        assertThat(effects).singleElement().isInstanceOfSatisfying(EffectBatch.KeyEffect.class, effect -> {
            assertThat(effect.cause().version()).isEqualTo(new Version(0x300));
            assertThat(effect.image()).isEqualTo(third);
        });
    }

    @Test
    void aDeleteAfterAnUpdate_invalidatesWithoutAskingForARewarm() {
        var delete = new CacheTarget.Key(product, Map.of("id", 1L), false);

        var batch = new EffectBatch(keys, List.of(change(0x100, "{}".getBytes(StandardCharsets.UTF_8), row(1)), change(0x200, null, delete)));

        assertThat(batch.effects()).singleElement().isInstanceOfSatisfying(EffectBatch.KeyEffect.class,
                effect -> {
                    assertThat(effect.image()).isNull();
                    assertThat(effect.mayWarm()).isFalse();
                });
    }

    @Test
    void watermarksAndWholeViewFallbacks_areKeptApart_fromTheBatchedOperations() {
        var whole = new CacheTarget.WholeView(listing, "no before image");
        var watermark = new EffectBatch.Watermark(new Version(0x150), Map.of("t:0", 7L));
        var batch = new EffectBatch(keys, List.of(change(0x100, null, whole), watermark, change(0x200, null, whole)));

        assertThat(batch.effects()).isEmpty();
        assertThat(batch.viewEffects()).singleElement().satisfies(view -> assertThat(view.cause().version()).isEqualTo(new Version(0x200)));
        assertThat(batch.touchesWholeViews()).isTrue();
        assertThat(batch.watermarks()).containsExactly(watermark);
    }

    @Test
    void theNextOffsetOfEachPartition_followsItsLastRecord_changeOrNot() {
        var batch = new EffectBatch(keys, List.of(change(0x100, null), new EffectBatch.Passed("t", 0, 0x180),
                new EffectBatch.Passed("u", 3, 9), change(0x120, null)));

        assertThat(batch.nextOffsets()).isEqualTo(Map.of("t:0", 0x181L, "u:3", 10L));
        assertThat(batch.changes()).hasSize(2);
    }
}
