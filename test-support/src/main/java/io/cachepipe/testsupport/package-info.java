/**
 * JUnit 5 fixtures for every module's integration tests: {@link io.cachepipe.testsupport.WithDevStack}
 * gives a test class real servers (one stack per test JVM), {@link io.cachepipe.testsupport.TestNamespace}
 * keeps classes that share it apart, and small helpers cover JDBC, Kafka topics and waiting.
 */
@NullMarked
package io.cachepipe.testsupport;

import org.jspecify.annotations.NullMarked;
