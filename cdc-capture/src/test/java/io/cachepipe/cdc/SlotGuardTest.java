package io.cachepipe.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.change.Version;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SlotGuardTest {
    private static final Optional<Version> STORED = Optional.of(Version.ofPgLsn("0/3000000"));

    @Test
    void aSlotAtOrBehindTheStoredPosition_lostNothing() {
        assertThat(SlotGuard.lost("s", slot("reserved", "0/3000000"), STORED)).isNull();
        assertThat(SlotGuard.lost("s", slot("extended", "0/2FFFFFF"), STORED)).isNull();
    }

    @Test
    void nothingStoredAndNoSlot_isAFirstStart() {
        assertThat(SlotGuard.lost("s", Optional.empty(), Optional.empty())).isNull();
        assertThat(SlotGuard.lost("s", slot("reserved", "0/3000000"), Optional.empty())).isNull();
    }

    @Test
    void aSlotGoneWhileAPositionIsStored_lostTheChangesAfterIt() {
        assertThat(SlotGuard.lost("s", Optional.empty(), STORED)).contains("replication slot s is gone").contains("0/3000000");
    }

    @Test
    void anInvalidatedSlot_lostChanges_storedPositionOrNot() {
        assertThat(SlotGuard.lost("s", slot("lost", "0/3000000"), STORED)).contains("invalidated").contains("max_slot_wal_keep_size");
        assertThat(SlotGuard.lost("s", slot("lost", null), Optional.empty())).contains("invalidated");
    }

    @Test
    void aSlotPastTheStoredPosition_lostTheChangesInBetween() {
        assertThat(SlotGuard.lost("s", slot("reserved", "0/3000001"), STORED)).contains("confirmed position 0/3000001")
                .contains("past the stored position 0/3000000");
    }

    private static Optional<ReplicationSlot> slot(String walStatus, @org.jspecify.annotations.Nullable String confirmed) {
        return Optional.of(new ReplicationSlot("s", walStatus, confirmed == null ? null : Version.ofPgLsn(confirmed), false));
    }
}
