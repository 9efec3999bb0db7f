package io.cachepipe.core.change;

/** A change record that cannot be understood; it goes to the dead-letter topic with this reason. */
public final class MalformedChangeException extends Exception {
    private final String reason;

    public MalformedChangeException(String reason) {
        super(reason);
        this.reason = reason;
    }

    public MalformedChangeException(String reason, Throwable cause) {
        super(reason, cause);
        this.reason = reason;
    }

    /** The reason, which every constructor takes: never null, unlike an exception's message in general. */
    @Override
    public String getMessage() {
        return reason;
    }
}
