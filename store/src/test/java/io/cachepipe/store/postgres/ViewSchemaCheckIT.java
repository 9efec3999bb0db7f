package io.cachepipe.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachepipe.core.config.ConfigException;
import io.cachepipe.core.view.ViewsFile;
import io.cachepipe.devstack.PostgresServer;
import io.cachepipe.testsupport.TestNamespace;
import io.cachepipe.testsupport.WithDevStack;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Declarations are checked against the database at start-up: one test per class of mistake, each
 * showing the message an operator gets (views file, view, field, what is wrong).
 */
@WithDevStack
class ViewSchemaCheckIT {
    private DataSource dataSource;

    @BeforeEach
    void schema(PostgresServer postgres, TestNamespace namespace) {
        namespace.jdbc().execute("CREATE TABLE IF NOT EXISTS products (id bigint PRIMARY KEY, category_id bigint, name text)");
        namespace.jdbc().execute("CREATE TABLE IF NOT EXISTS categories (id bigint PRIMARY KEY, name text)");
        namespace.jdbc().execute("CREATE TABLE IF NOT EXISTS stock (product_id bigint, region text, quantity int, PRIMARY KEY (product_id, region))"
                + " PARTITION BY LIST (region)");
        namespace.jdbc().execute("CREATE TABLE IF NOT EXISTS stock_eu PARTITION OF stock FOR VALUES IN ('eu')");
        namespace.jdbc().execute("CREATE UNLOGGED TABLE IF NOT EXISTS sessions (id bigint PRIMARY KEY, product_id bigint)");
        namespace.jdbc().execute("CREATE MATERIALIZED VIEW IF NOT EXISTS category_sizes AS SELECT category_id AS id, count(*) AS size"
                + " FROM products GROUP BY category_id");
        namespace.jdbc().execute("CREATE OR REPLACE VIEW named_products AS SELECT p.id, p.name, c.name AS category FROM products p"
                + " JOIN categories c ON c.id = p.category_id");
        namespace.jdbc().execute("CREATE COLLATION IF NOT EXISTS any_case (provider = icu, locale = 'und-u-ks-level2', deterministic = false)");
        namespace.jdbc().execute("DO $$ BEGIN CREATE DOMAIN country AS char(2); EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        namespace.jdbc().execute("CREATE TABLE IF NOT EXISTS members (id bigint PRIMARY KEY, code char(3), country country,"
                + " email text COLLATE any_case, name text, score float8, rank numeric)");
        var source = new PGSimpleDataSource();
        source.setURL(namespace.jdbcUrl());
        source.setUser(postgres.user());
        source.setPassword(postgres.password());
        dataSource = source;
    }

    @Test
    void aCorrectDeclaration_passes() {
        assertThat(problems(view("SELECT id, name FROM products WHERE id = :id", "products", "id"))).isEmpty();
    }

    @Test
    void unknownTable_namesFileViewAndSource() {
        assertThat(problems(view("SELECT id, name FROM products WHERE id = :id", "inventory", "product_id"))).containsExactly(
                "shop-views.yaml: view 'product': sources[0]: table public.inventory does not exist");
    }

    @Test
    void unknownBoundColumn_namesTheColumnsThereAre() {
        assertThat(problems(view("SELECT id, name FROM products WHERE id = :id", "products", "product_id"))).containsExactly(
                "shop-views.yaml: view 'product': sources[0]: bind.id: table public.products has no column 'product_id' "
                        + "(columns: [category_id, id, name])");
    }

    @Test
    void sqlThatDoesNotParse_isASyntaxError() {
        assertThat(problems(view("SELEC id, name FROM products WHERE id = :id", "products", "id"))).containsExactly(
                "shop-views.yaml: view 'product': sql does not parse on the database: ERROR: syntax error at or near \"SELEC\"");
    }

    @Test
    void sqlNamingAColumnThatIsNotThere_parsesButDoesNotPrepare() {
        assertThat(problems(view("SELECT id, nme FROM products WHERE id = :id", "products", "id"))).containsExactly(
                "shop-views.yaml: view 'product': sql does not prepare on the database: ERROR: column \"nme\" does not exist");
    }

    @Test
    void writeSqlIsCheckedToo() {
        var catalog = ViewsFile.parse("shop-views.yaml", view("SELECT id, name FROM products WHERE id = :id", "products", "id") + """
                writes:
                  rename:
                    route: PUT /products/{id}/name
                    params: {id: long, name: string}
                    sql: UPDATE product SET name = :name WHERE id = :id
                """);
        assertThat(ViewSchemaCheck.problems(catalog, dataSource)).containsExactly(
                "shop-views.yaml: write 'rename': sql does not prepare on the database: ERROR: relation \"product\" does not exist");
    }

    @Test
    void everyProblemIsReportedTogether_inOneException() {
        var catalog = ViewsFile.parse("bad.yaml", """
                views:
                  product:
                    key: product:{id}
                    params: {id: long}
                    sql: SELECT id, name FROM products WHERE id = :id
                    sources:
                      - table: products
                        bind: {id: id}
                      - table: inventory
                        bind: {id: product_id}
                  listing:
                    key: category:{category_id}:page:{page}
                    params: {category_id: long, page: int}
                    sql: SELECT id FROM products WHERE category_id = :category_id ORDER BY nme OFFSET :page
                    sources:
                      - table: products
                        bind: {category_id: category}
                """);

        assertThatThrownBy(() -> ViewSchemaCheck.check(catalog, dataSource))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("Invalid configuration, 3 problems:")
                .hasMessageContaining("bad.yaml: view 'product': sources[1]: table public.inventory does not exist")
                .hasMessageContaining("bad.yaml: view 'listing': sources[0]: bind.category_id: table public.products has no column 'category'")
                .hasMessageContaining("bad.yaml: view 'listing': sql does not prepare on the database: ERROR: column \"nme\" does not exist");
    }

    @Test
    void aTableTheSqlReadsThatNoSourceNames_isRefused_throughJoinsSubqueriesAndViews() {
        String message = "shop-views.yaml: view 'product': sql reads public.categories, which none of its sources names, so a change"
                + " there would leave its values stale: add {table: public.categories, bind: {...}} to its sources, binding the parameters"
                + " a changed row determines (with none bound, a change there invalidates every key of the view)";
        assertThat(problems(view("SELECT p.id, c.name FROM products p JOIN categories c ON c.id = p.category_id WHERE p.id = :id",
                "products", "id"))).containsExactly(message);
        assertThat(problems(view("SELECT id, (SELECT name FROM categories WHERE id = category_id) FROM products WHERE id = :id",
                "products", "id"))).containsExactly(message);
        assertThat(problems(view("SELECT * FROM named_products WHERE id = :id", "products", "id"))).containsExactly(message);
    }

    @Test
    void aSourceOrAReadWhoseChangesAreNotInTheChangeLog_isRefused_sayingWhy() {
        assertThat(problems(view("SELECT id FROM sessions WHERE id = :id", "sessions", "id"))).containsExactly(
                "shop-views.yaml: view 'product': sources[0]: public.sessions is UNLOGGED: its changes are not in the write-ahead log,"
                        + " which cachepipe reads; ALTER TABLE public.sessions SET LOGGED");
        assertThat(problems(view("SELECT id, size FROM category_sizes WHERE id = :id", "category_sizes", "id"))).singleElement()
                .asString().startsWith("shop-views.yaml: view 'product': sources[0]: public.category_sizes is a materialized view: REFRESH");
        assertThat(problems(view("SELECT id FROM named_products WHERE id = :id", "named_products", "id"))).containsExactly(
                "shop-views.yaml: view 'product': sources[0]: public.named_products is a view: name the tables it reads as the sources");
        assertThat(problems(view("SELECT p.id, s.size FROM products p JOIN category_sizes s ON s.id = p.category_id WHERE p.id = :id",
                "products", "id"))).singleElement().asString()
                .startsWith("shop-views.yaml: view 'product': sql reads public.category_sizes, which is a materialized view");
    }

    @Test
    void aPartitionedTableNamedAsTheSource_coversThePartitionsThePlanReads() {
        assertThat(problems(view("SELECT product_id, sum(quantity) FROM stock WHERE product_id = :id GROUP BY product_id",
                "stock", "product_id"))).isEmpty();
    }

    @Test
    void aStringParameterBoundToACharColumn_isRefused_forACharParameter_whichDropsThePadding() {
        assertThat(problems(member("string", "code"))).singleElement().asString().startsWith(
                "shop-views.yaml: view 'member': sources[0]: bind.key: public.members.code is char(n), which PostgreSQL compares"
                        + " without trailing spaces");
        assertThat(problems(member("string", "country"))).singleElement().asString().contains("members.country is char(n)");
        assertThat(problems(member("char", "code"))).isEmpty();
        assertThat(problems(member("char", "country"))).isEmpty();
        assertThat(problems(member("char", "name"))).singleElement().asString().contains(
                "members.name is text, whose trailing spaces count, but its parameter is {type: char}");
    }

    @Test
    void aDecimalParameterBoundToAFloatColumn_isRefused_andToANumericOnePasses() {
        assertThat(problems(member("decimal", "score"))).singleElement().asString().contains(
                "public.members.score is float8, which holds many decimals as one binary value");
        assertThat(problems(member("decimal", "rank"))).isEmpty();
    }

    @Test
    void aColumnWithANondeterministicCollation_isRefused() {
        assertThat(problems(member("string", "email"))).singleElement().asString().contains(
                "public.members.email has a nondeterministic collation");
    }

    private List<String> problems(String yaml) {
        return ViewSchemaCheck.problems(ViewsFile.parse("shop-views.yaml", yaml), dataSource);
    }

    /** A view of one member keyed by {@code column}, its parameter of {@code type}. */
    private static String member(String type, String column) {
        return """
                views:
                  member:
                    key: member:{key}
                    params: {key: %s}
                    sql: SELECT id, name FROM members WHERE %s = :key
                    sources:
                      - table: members
                        bind: {key: %s}
                """.formatted(type, column, column);
    }

    private static String view(String sql, String table, String column) {
        return """
                views:
                  product:
                    key: product:{id}
                    params: {id: long}
                    sql: %s
                    sources:
                      - table: %s
                        bind: {id: %s}
                """.formatted(sql, table, column);
    }
}
