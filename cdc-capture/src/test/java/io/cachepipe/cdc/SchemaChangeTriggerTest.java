package io.cachepipe.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SchemaChangeTriggerTest {
    @Test
    void theStatementAnOperatorRuns_isTheOneCdcCaptureRuns() throws Exception {
        String deploy = Files.readString(Path.of("..", "docs", "deploy.md"));
        assertThat(deploy).as("docs/deploy.md, Schema changes").contains("```sql\n" + SchemaChangeTrigger.SQL + "```");
    }
}
