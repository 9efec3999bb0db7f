package io.cachepipe.api;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.change.Version;
import org.jspecify.annotations.Nullable;

/**
 * {@code X-Commit-LSN}: a write answers with it (a WAL position at or after its commit, as
 * PostgreSQL writes LSNs: {@code 0/16B3748}); a read that sends it back gets an answer at least as
 * new as that write.
 */
final class ReadYourWritesHeader {
    static final String NAME = "X-Commit-LSN";

    private ReadYourWritesHeader() {
    }

    static @Nullable Version parse(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Version.ofPgLsn(value.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(NAME + " must be a PostgreSQL LSN such as 0/16B3748, not "
                    + io.cachepipe.core.view.ParamType.quoted(value));
        }
    }
}
