package io.cachepipe.cli.ops;

import io.cachepipe.core.config.CacheConfig;
import io.cachepipe.core.config.PostgresConfig;
import io.cachepipe.core.config.RedisConfig;
import io.cachepipe.core.view.ViewCatalog;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.store.postgres.ConnectionPool;
import io.cachepipe.store.postgres.DataSources;
import io.cachepipe.store.redis.CacheStore;
import io.cachepipe.store.redis.RedisConnector;
import org.jspecify.annotations.Nullable;

/** The connections an operator command opens: Redis (through the one {@link CacheStore}) and, if asked, a small pool. */
final class CacheClients implements AutoCloseable {
    final ViewCatalog catalog;
    final RedisConnector redis;
    final CacheStore store;
    final @Nullable ConnectionPool pool;

    CacheClients(CacheConfig cache, RedisConfig redisConfig, @Nullable PostgresConfig postgres) {
        this.catalog = ViewsFile.load(cache.viewsFile());
        this.pool = postgres == null ? null : DataSources.pool(postgres, "ops");
        try {
            this.redis = RedisConnector.connect(redisConfig);
        } catch (RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            throw e;
        }
        this.store = CacheStore.open(redis, redisConfig.namespace(), catalog, cache);
    }

    ConnectionPool pool() {
        if (pool == null) {
            throw new IllegalStateException("this command has no database connection");
        }
        return pool;
    }

    @Override
    public void close() {
        redis.close();
        if (pool != null) {
            pool.close();
        }
    }
}
