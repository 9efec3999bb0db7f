package io.cachepipe.store.postgres;

import javax.sql.DataSource;

/**
 * A pool of connections to PostgreSQL ({@link DataSources#pool}): a {@link DataSource} its owner closes.
 * Callers see no pool library; store configures and measures it.
 */
public interface ConnectionPool extends DataSource, AutoCloseable {
    /** Closes every connection; no exception to handle. */
    @Override
    void close();
}
