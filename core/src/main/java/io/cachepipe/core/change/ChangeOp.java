package io.cachepipe.core.change;

import org.jspecify.annotations.Nullable;

/** Debezium's operation codes. */
public enum ChangeOp {
    CREATE("c"), UPDATE("u"), DELETE("d"), SNAPSHOT_READ("r"), TRUNCATE("t");

    private final String code;

    ChangeOp(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The operation of that code, or null for a code Debezium does not send. */
    public static @Nullable ChangeOp ofCode(String code) {
        for (ChangeOp op : values()) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        return null;
    }
}
