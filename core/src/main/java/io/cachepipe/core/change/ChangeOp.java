package io.cachepipe.core.change;

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

    public static ChangeOp ofCode(String code) {
        for (ChangeOp op : values()) {
            if (op.code.equals(code)) {
                return op;
            }
        }
        throw new IllegalArgumentException("unknown operation '" + code + "' (expected c, u, d, r or t)");
    }
}
