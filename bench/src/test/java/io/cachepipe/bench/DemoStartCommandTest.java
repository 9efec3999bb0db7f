package io.cachepipe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.bench.DemoStartCommand.Jit;
import io.cachepipe.bench.DemoStartCommand.Run;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class DemoStartCommandTest {
    @Test
    void readsTheDemosLines() {
        Matcher caughtUp = DemoStartCommand.CAUGHT_UP.matcher("Caught up in 4.0 s (12.5 s since the pipeline started).");
        assertThat(caughtUp.find()).isTrue();
        assertThat(caughtUp.group(1)).isEqualTo("4.0");
        assertThat(caughtUp.group(2)).isEqualTo("12.5");

        Matcher ready = DemoStartCommand.READY.matcher("cachepipe demo is ready (13.1 s), on my.sql and my.yaml.");
        assertThat(ready.find()).isTrue();
        assertThat(ready.group(1)).isEqualTo("13.1");
        assertThat(DemoStartCommand.READY.matcher("Waiting for the pipeline to catch up ...").find()).isFalse();
    }

    @Test
    void table_givesEachSettingsMedians_andTheirRatio() {
        Map<Jit, List<Run>> runs = new EnumMap<>(Jit.class);
        runs.put(Jit.C1_ALONE, List.of(new Run(4.0, 6.1, 12.7), new Run(3.2, 4.9, 11.6), new Run(4.9, 6.6, 14.5)));
        runs.put(Jit.BOTH, List.of(new Run(6.4, 9.0, 17.7), new Run(6.0, 8.4, 18.3), new Run(8.0, 9.8, 19.1)));

        String table = DemoStartCommand.table(runs);

        assertThat(table).contains("| C1 alone (the script's default) | 4.0 s | 6.1 s | 12.7 s |")
                .contains("| C1 and C2 (-XX:TieredStopAtLevel=4) | 6.4 s | 9.0 s | 18.3 s |")
                .contains("| ratio | 0.63 | 0.68 | 0.69 |")
                .contains("medians of 3 runs");
    }

    @Test
    void median_ofAnEvenCount_isTheMeanOfTheMiddleTwo() {
        assertThat(DemoStartCommand.median(List.of(new Run(3, 0, 0), new Run(5, 0, 0), new Run(4, 0, 0), new Run(9, 0, 0)),
                Run::caughtUp)).isEqualTo(4.5);
    }
}
