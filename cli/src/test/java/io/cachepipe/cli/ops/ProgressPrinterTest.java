package io.cachepipe.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressPrinterTest {

    @Test
    void onATerminal_aBarIsRedrawnInPlace_withRateAndEta() {
        var out = new StringWriter();
        var printer = new ProgressPrinter(new PrintWriter(out), ProgressPrinter.Mode.BAR);
        printer.update("change topics", 250, 1000);
        printer.update("change topics", 1000, 1000);
        printer.finish();
        assertThat(out.toString()).startsWith("\rchange topics").contains("[#######").contains(" 25.0% 250/1,000").contains("ETA")
                .contains("100.0% 1,000/1,000").endsWith(System.lineSeparator());
    }

    @Test
    void elsewhere_plainLines_oneAtTheStartAndOneAtTheEndOfEachPhase() {
        var out = new StringWriter();
        var printer = new ProgressPrinter(new PrintWriter(out), ProgressPrinter.Mode.LINES);
        printer.update("view category", 0, 10);
        printer.update("view category", 5, 10);
        printer.update("view category", 10, 10);
        assertThat(out.toString().lines()).hasSize(2).last().asString().startsWith("view category: 10/10 (100.0%)");
        assertThat(out.toString()).doesNotContain("\r");
    }
}
