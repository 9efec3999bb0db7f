package io.cachepipe.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import org.junit.jupiter.api.Test;

class EntryVersionsTest {
    private static final Version V1 = new Version(0x100);
    private static final Version V2 = new Version(0x200);
    private static final Version V3 = new Version(0x300);

    @Test
    void aValueNoInvalidationSuperseded_isCurrentForRequestsUpToItsVersion() {
        var entry = new EntryVersions(V2, V2);
        assertThat(entry.holdsCurrent(V1)).isTrue();
        assertThat(entry.holdsCurrent(V2)).isTrue();
        assertThat(entry.holdsCurrent(V3)).as("a request newer than the value").isFalse();
    }

    @Test
    void aSupersededValueOrNoValue_isNeverCurrent() {
        assertThat(new EntryVersions(V1, V2).holdsCurrent(V1)).as("invalidated after it was written").isFalse();
        assertThat(new EntryVersions(null, V2).holdsCurrent(V1)).as("only a tombstone").isFalse();
        assertThat(new EntryVersions(null, Version.ZERO).holdsCurrent(Version.ZERO)).as("nothing").isFalse();
    }

    @Test
    void aLoadIsWrittenAtTheNewerOfItsRequestAndTheNewestInvalidation() {
        assertThat(new EntryVersions(null, V3).writeVersion(V1)).isEqualTo(V3);
        assertThat(new EntryVersions(null, V1).writeVersion(V2)).isEqualTo(V2);
        assertThat(new EntryVersions(null, Version.ZERO).writeVersion(V2)).as("Redis knew of no invalidation").isEqualTo(V2);
    }
}
