package io.cachepipe.invalidator;

import io.cachepipe.core.change.ChangeEvent;
import io.cachepipe.core.change.Version;
import io.cachepipe.core.view.CacheKey;
import io.cachepipe.core.view.CacheTarget;
import io.cachepipe.core.view.KeyGroup;
import io.cachepipe.core.view.KeySpace;
import io.cachepipe.core.view.ViewDefinition;
import io.cachepipe.store.kafka.Watermarks;
import io.cachepipe.store.redis.CacheBatch;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The effects of a run of changes, merged per cache target. Of several changes to one key, group or
 * view only the newest needs applying: every effect is version-guarded, so an invalidation older than
 * one already applied changes nothing, and applying the newest alone leaves Redis as applying all of
 * them in order would, only sooner. A thousand changes to one category's products invalidate its
 * listing pages once.
 */
final class EffectBatch {
    /** What the stream threads hand over, in order. */
    sealed interface Item permits Change, Passed, Watermark {
    }

    /**
     * One change and its targets; {@code images} holds the new value of each key target that a row
     * image renders (a plain row view), null where the key must be invalidated and re-warmed instead.
     */
    record Change(ChangeEvent event, List<CacheTarget> targets, List<byte @Nullable []> images, RecordSource source) implements Item {
    }

    /** A record that is not a change (a tombstone, a dead letter): nothing to apply, but its offset is passed. */
    record Passed(String topic, int partition, long offset) implements Item {
    }

    /** A watermark and the change-topic end offsets it stands for, to record once the batch's changes are applied. */
    record Watermark(Version version, Map<String, Long> endOffsets) implements Item {
    }

    /** One merged effect, in the order its operation was added to the {@link CacheBatch}. */
    sealed interface Effect permits KeyEffect, GroupEffect {
        ChangeEvent cause();
    }

    record KeyEffect(CacheKey key, ChangeEvent cause, byte @Nullable [] image, boolean mayWarm) implements Effect {
    }

    record GroupEffect(ViewDefinition view, KeyGroup group, ChangeEvent cause) implements Effect {
    }

    /** A whole-view invalidation (the safe fallback): applied through the view's registry, not in the batch. */
    record ViewEffect(ViewDefinition view, ChangeEvent cause) {
    }

    private final KeySpace keys;
    private final List<Change> changes = new ArrayList<>();
    private final List<Watermark> watermarks = new ArrayList<>();
    /** Next offset to apply of each partition the batch read from ({@code <topic>:<partition>}). */
    private final Map<String, Long> nextOffsets = new HashMap<>();
    private @Nullable String lastTopic;
    private int lastPartition = -1;
    private String lastPartitionName = "";
    private final Map<String, KeyEffect> keyEffects = new LinkedHashMap<>();
    private final Map<String, GroupEffect> groupEffects = new LinkedHashMap<>();
    private final Map<String, ViewEffect> viewEffects = new LinkedHashMap<>();

    EffectBatch(KeySpace keys, List<? extends Item> items) {
        this.keys = keys;
        for (Item item : items) {
            switch (item) {
                case Change change -> {
                    add(change);
                    passed(change.source().topic(), change.source().partition(), change.source().offset());
                }
                case Passed passed -> passed(passed.topic(), passed.partition(), passed.offset());
                case Watermark watermark -> watermarks.add(watermark);
            }
        }
    }

    /** Records of one partition come in runs: its name is built once per run, not once per record. */
    private void passed(String topic, int partition, long offset) {
        if (partition != lastPartition || !topic.equals(lastTopic)) {
            lastTopic = topic;
            lastPartition = partition;
            lastPartitionName = Watermarks.partition(topic, partition);
        }
        nextOffsets.merge(lastPartitionName, offset + 1, Math::max);
    }

    private void add(Change change) {
        changes.add(change);
        ChangeEvent event = change.event();
        for (int i = 0; i < change.targets().size(); i++) {
            switch (change.targets().get(i)) {
                case CacheTarget.Key target -> {
                    CacheKey key = keys.key(target.view(), target.params());
                    keyEffects.merge(key.redisKey(), new KeyEffect(key, event, change.images().get(i), target.warm()), EffectBatch::newer);
                }
                case CacheTarget.Group target -> {
                    KeyGroup group = keys.group(target.view(), target.bound());
                    groupEffects.merge(group.indexKey(), new GroupEffect(target.view(), group, event), EffectBatch::newer);
                }
                case CacheTarget.WholeView target ->
                        viewEffects.merge(target.view().name(), new ViewEffect(target.view(), event),
                                (earlier, later) -> later.cause().version().compareTo(earlier.cause().version()) >= 0 ? later : earlier);
            }
        }
    }

    /** The later of two effects on one target; of equal versions (one transaction) the one submitted last. */
    private static <E extends Effect> E newer(E earlier, E later) {
        return later.cause().version().compareTo(earlier.cause().version()) >= 0 ? later : earlier;
    }

    /** The merged key and group effects: keys first, then groups. */
    List<Effect> effects() {
        List<Effect> effects = new ArrayList<>(keyEffects.size() + groupEffects.size());
        effects.addAll(keyEffects.values());
        effects.addAll(groupEffects.values());
        return effects;
    }

    /** Adds one operation per merged key and group target; answers the effects in operation order. */
    List<Effect> addTo(CacheBatch batch) {
        List<Effect> effects = effects();
        for (Effect effect : effects) {
            switch (effect) {
                case KeyEffect key when key.image() != null -> batch.replace(key.key(), key.cause().version(), key.image());
                case KeyEffect key -> batch.invalidate(key.key(), key.cause().version(), key.mayWarm());
                case GroupEffect group -> batch.invalidateGroup(group.view(), group.group(), group.cause().version());
            }
        }
        return effects;
    }

    List<ViewEffect> viewEffects() {
        return List.copyOf(viewEffects.values());
    }

    List<Change> changes() {
        return changes;
    }

    List<Watermark> watermarks() {
        return watermarks;
    }

    /** The next offset to apply of each partition the batch read from, once its effects are applied. */
    Map<String, Long> nextOffsets() {
        return nextOffsets;
    }

    /** Every key target, whether or not Redis held it: a near cache may hold what Redis no longer does. */
    List<String> nearCacheKeys() {
        return List.copyOf(keyEffects.keySet());
    }

    List<String> nearCacheGroups() {
        return List.copyOf(groupEffects.keySet());
    }

    boolean touchesWholeViews() {
        return !viewEffects.isEmpty();
    }


}
