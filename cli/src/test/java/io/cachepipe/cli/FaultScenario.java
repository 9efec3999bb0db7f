package io.cachepipe.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A fault scenario of the whole pipeline on real servers (a broker, a Redis master, PostgreSQL, the
 * network, a scaled-out part taken away under writes and reads). Each takes one to three minutes on
 * two cores, so a plain {@code ./mvnw verify} leaves them out to stay under fifteen minutes; they run
 * with {@code -Dcachepipe.faults=true} (docs/architecture.md, "Failure modes, and the test that proves each"):
 * <pre>./mvnw -B verify -Dcachepipe.faults=true -Dit.timeout=2400</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@EnabledIfSystemProperty(named = "cachepipe.faults", matches = "true",
        disabledReason = "a fault scenario: run with -Dcachepipe.faults=true (docs/architecture.md)")
@interface FaultScenario {
}
