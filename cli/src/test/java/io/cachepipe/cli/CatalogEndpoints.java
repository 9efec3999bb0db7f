package io.cachepipe.cli;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.testsupport.Jdbc;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * What {@link CatalogTraffic} needs of a running pipeline on the demo catalog, in this JVM
 * ({@link ExamplePipeline}) or as child processes ({@link ChildPipeline}): the database and the API.
 */
interface CatalogEndpoints {
    /** The pipeline's database. */
    Jdbc jdbc();

    /** A GET from the pipeline's API. */
    HttpResponse<String> get(String path, String... headers) throws Exception;

    /** The cache key a view's parameters name in the pipeline's namespace. */
    CacheKey key(String view, Map<String, Object> params);
}
