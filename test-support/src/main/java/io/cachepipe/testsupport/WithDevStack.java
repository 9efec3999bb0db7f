package io.cachepipe.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An integration test against real servers: registers {@link DevStackExtension}, tags the class
 * {@value #TAG}, and gives every test and lifecycle method a timeout of
 * {@value #TIMEOUT_MINUTES} minutes, generous for the stack's first start (a few seconds, more
 * while PostgreSQL's binaries unpack) and still finite for a hung test.
 *
 * <pre>{@code
 * @WithDevStack
 * class InvalidationIT {
 *     @Test
 *     void updateDeletesKey(PostgresServer postgres, RedisServer redis, TestNamespace ns) { ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(DevStackExtension.class)
@Tag(WithDevStack.TAG)
@Timeout(value = WithDevStack.TIMEOUT_MINUTES, unit = TimeUnit.MINUTES)
public @interface WithDevStack {
    String TAG = "integration";
    long TIMEOUT_MINUTES = 3;
}
