package io.cachepipe.cli;

import io.cachepipe.testsupport.Jdbc;
import java.net.http.HttpResponse;

/**
 * What {@link CatalogTraffic} needs of a running pipeline on the demo catalog, in this JVM
 * ({@link ExamplePipeline}) or as child processes ({@link ChildPipeline}): the database and the API.
 */
interface CatalogEndpoints {
    /** The pipeline's database. */
    Jdbc jdbc();

    /** A GET from the pipeline's API. */
    HttpResponse<String> get(String path, String... headers) throws Exception;
}
