package io.cachepipe.devstack;

import io.cachepipe.devstack.DevStackOptions.Provider;
import java.util.function.BooleanSupplier;

/** Turns AUTO into a concrete provider; asks about Docker only when it has to. */
final class ProviderChoice {
    private ProviderChoice() {
    }

    static Provider resolve(DevStackOptions options, BooleanSupplier dockerAvailable) {
        return switch (options.provider()) {
            case EMBEDDED, TESTCONTAINERS, EXTERNAL -> options.provider();
            case AUTO -> options.externalServersConfigured() ? Provider.EXTERNAL
                    : dockerAvailable.getAsBoolean() ? Provider.TESTCONTAINERS
                    : Provider.EMBEDDED;
        };
    }
}
