package io.cachepipe.core.view;

import java.util.Map;

/** What a change affects in one view: one key, a group of keys (a pattern), or, as a safe fallback, all of them. */
public sealed interface CacheTarget {
    ViewDefinition view();

    /**
     * Exactly one key: every parameter bound.
     *
     * @param warm false when the key names a row that was just deleted: a re-warm could only load "not found"
     */
    record Key(ViewDefinition view, Map<String, Object> params, boolean warm) implements CacheTarget {
        public Key {
            params = Map.copyOf(params);
        }

        public Key(ViewDefinition view, Map<String, Object> params) {
            this(view, params, true);
        }
    }

    /** Every key whose leading (group) parameters have these values, e.g. all pages of one category. */
    record Group(ViewDefinition view, Map<String, Object> bound) implements CacheTarget {
        public Group {
            bound = Map.copyOf(bound);
        }
    }

    /** Every key of the view: the wider invalidation used when a row image cannot say which keys it touched. */
    record WholeView(ViewDefinition view, String reason) implements CacheTarget {
    }
}
