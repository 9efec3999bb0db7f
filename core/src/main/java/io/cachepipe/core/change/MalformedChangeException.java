package io.cachepipe.core.change;

/** A change record that cannot be understood; it goes to the dead-letter topic with this reason. */
public final class MalformedChangeException extends Exception {
    public MalformedChangeException(String reason) {
        super(reason);
    }

    public MalformedChangeException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
