package io.cachepipe.store.postgres;

import javax.sql.DataSource;

/**
 * A pool of connections to PostgreSQL ({@link DataSources#pool}): a {@link DataSource} its owner closes.
 * Callers see no pool library; store configures and measures it.
 */
public interface ConnectionPool extends DataSource, AutoCloseable {
    /** Times the loads made through this pool for {@code cause} on its registry, and logs the slow ones. */
    LoadTimer loads(LoadTimer.Cause cause);

    /** Closes every connection; no exception to handle. */
    @Override
    void close();
}
