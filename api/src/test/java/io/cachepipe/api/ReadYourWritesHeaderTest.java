package io.cachepipe.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.api.http.ApiException;
import io.cachepipe.core.change.Version;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A read waits for every write whose position it sends, however the positions arrive. */
class ReadYourWritesHeaderTest {
    @Test
    void severalPositions_repeatedOrJoinedByCommas_waitForTheNewest() {
        assertThat(ReadYourWritesHeader.parse(List.of("0/16B3748"))).isEqualTo(Version.ofPgLsn("0/16B3748"));
        assertThat(ReadYourWritesHeader.parse(List.of("0/2000000", "0/1000000"))).as("the first field was all that counted")
                .isEqualTo(Version.ofPgLsn("0/2000000"));
        assertThat(ReadYourWritesHeader.parse(List.of("0/1000000, 1/0", "0/3000000"))).isEqualTo(Version.ofPgLsn("1/0"));
    }

    @Test
    void noneSent_isNoPosition_andOneMalformedAmongThem_isA400NamingIt() {
        assertThat(ReadYourWritesHeader.parse(List.of())).isNull();
        assertThat(ReadYourWritesHeader.parse(List.of(" ", ","))).isNull();
        assertThatThrownBy(() -> ReadYourWritesHeader.parse(List.of("0/1000000, 0/")))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageContaining("not '0/'");
    }
}
