package io.cachepipe.ops.rebuild;

/** How a rebuild fills one view; {@link #describe()} is how the report shows it (and each mode's {@code toString}). */
public sealed interface FillMode {
    /** A plain row view: rendered from the row images themselves, without a database query. */
    FillMode ROW_IMAGES = new RowImages();
    /** Keys learnt from the row images, values loaded from PostgreSQL many keys per query. */
    FillMode DATABASE_READS = new DatabaseReads();

    String describe();

    record RowImages() implements FillMode {
        @Override
        public String describe() {
            return "row images";
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    record DatabaseReads() implements FillMode {
        @Override
        public String describe() {
            return "batched database reads";
        }

        @Override
        public String toString() {
            return describe();
        }
    }

    /** Not filled: a parameter no source binds and without a default leaves the rebuild no key to learn. */
    record Skipped(String unboundParameter) implements FillMode {
        @Override
        public String describe() {
            return "skipped: parameter " + unboundParameter + " is bound by no source and has no default, so its keys fill on read";
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
