package io.cachepipe.api;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.change.Version;
import java.util.List;
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

    /**
     * The newest of the positions a read sends: the header once, repeated, or holding several separated by
     * commas (which is how a proxy joins a repeated field). A client that made two writes and sends both
     * positions gets an answer as new as both; taking the first field alone answered as new as one of them.
     * Null when none is sent.
     */
    static @Nullable Version parse(List<String> fields) {
        Version newest = null;
        for (String field : fields) {
            for (String value : field.split(",", -1)) {
                if (value.isBlank()) {
                    continue;
                }
                Version position = parseOne(value);
                if (newest == null || position.compareTo(newest) > 0) {
                    newest = position;
                }
            }
        }
        return newest;
    }

    private static Version parseOne(String value) {
        try {
            return Version.ofPgLsn(value.strip());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(NAME + " must be a PostgreSQL LSN such as 0/16B3748, not "
                    + io.cachepipe.core.view.ParamType.quoted(value.strip()));
        }
    }
}
