package io.cachepipe.cli;

import static io.cachepipe.testsupport.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.cachepipe.core.view.CacheKey;
import io.cachepipe.devstack.DevStack;
import io.cachepipe.examples.ExampleSchema;
import io.cachepipe.examples.PlansSeeder;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A second schema, from its own views file, with no code change: text and UUID keys, a paged
 * listing grouped by a text column, an aggregate fed by two tables, a refresh-mode view.
 */
@WithDevStack
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlansPipelineIT {
    private ExamplePipeline plans;
    private String regionOfUser1;

    @BeforeAll
    void start(DevStack stack, TestNamespace namespace) throws Exception {
        plans = ExamplePipeline.start(stack, namespace, ExampleSchema.PLANS, connection -> PlansSeeder.seed(connection, 500, 3),
                Map.of());
        regionOfUser1 = plans.jdbc().queryValue(String.class, "SELECT region FROM users WHERE id = ?", PlansSeeder.userId(1));
    }

    @AfterAll
    void stop() {
        if (plans != null) {
            plans.close();
        }
    }

    @Test
    void movingAUserToAnotherRegion_invalidatesBothRegionsPages() throws Exception {
        String otherRegion = regionOfUser1.equals("eu-west") ? "us-east" : "eu-west";
        CacheKey oldPage = plans.key("region-users", Map.of("region", regionOfUser1, "page", 1));
        CacheKey newPage = plans.key("region-users", Map.of("region", otherRegion, "page", 1));
        assertThat(plans.get("/regions/" + regionOfUser1 + "/users").body()).contains("user1@example.com");
        assertThat(plans.get("/regions/" + otherRegion + "/users").statusCode()).isEqualTo(200);
        await().until(() -> plans.cached(oldPage) != null && plans.cached(newPage) != null);

        plans.jdbc().update("UPDATE users SET region = ?, email = '0-first@example.com' WHERE id = ?", otherRegion,
                PlansSeeder.userId(1));

        await().untilAsserted(() -> {
            assertThat(plans.cached(oldPage)).isEqualTo(plans.expected(oldPage)).doesNotContain(PlansSeeder.userId(1).toString());
            assertThat(plans.cached(newPage)).isEqualTo(plans.expected(newPage)).contains(PlansSeeder.userId(1).toString());
        });
    }

    @Test
    void anAggregateFedByTwoTables_followsBoth() throws Exception {
        CacheKey basic = plans.key("plan-subscribers", Map.of("code", "basic"));
        CacheKey max = plans.key("plan-subscribers", Map.of("code", "max"));
        plans.get("/plans/basic/subscribers");
        plans.get("/plans/max/subscribers");
        await().until(() -> plans.cached(basic) != null && plans.cached(max) != null);
        UUID user = PlansSeeder.userId(2);
        String from = plans.jdbc().queryValue(String.class, "SELECT plan_code FROM users WHERE id = ?", user);
        String to = "basic".equals(from) ? "max" : "basic";

        assertThat(plans.send("PATCH", "/users/" + user + "/plan", "{\"plan_code\":\"" + to + "\"}").statusCode()).isEqualTo(200);

        await().untilAsserted(() -> {
            assertThat(plans.cached(basic)).isEqualTo(plans.expected(basic));
            assertThat(plans.cached(max)).isEqualTo(plans.expected(max));
        });
        assertThat(plans.get("/users/" + user).body()).contains("\"plan_code\":\"" + to + "\"");
    }

    @Test
    void textAndUuidKeys_andARefreshModeView_stayEqualToTheDatabase() throws Exception {
        CacheKey plan = plans.key("plan", Map.of("code", "plus"));
        assertThat(plans.get("/plans/plus").body()).contains("\"code\":\"plus\"");
        await().until(() -> plans.cached(plan) != null);

        plans.jdbc().update("UPDATE plans SET monthly_fee = 1.50 WHERE code = 'plus'");

        await().untilAsserted(() -> assertThat(plans.cached(plan)).isEqualTo(plans.expected(plan)).contains("1.50"));
        assertThat(plans.get("/users/not-a-uuid").statusCode()).isEqualTo(400);
        assertThat(plans.get("/users/" + new UUID(1, 1)).statusCode()).isEqualTo(404);
    }
}
