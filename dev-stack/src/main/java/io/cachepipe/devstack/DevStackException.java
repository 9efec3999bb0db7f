package io.cachepipe.devstack;

import org.jspecify.annotations.Nullable;

/** A server could not be started, reached or stopped. The message says what to do about it. */
public final class DevStackException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DevStackException(String message) {
        super(message);
    }

    public DevStackException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
