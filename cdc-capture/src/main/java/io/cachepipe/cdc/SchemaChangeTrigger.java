package io.cachepipe.cdc;

import io.cachepipe.store.kafka.SchemaChangeNotice;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event trigger that tells the pipeline about schema changes ({@link SchemaChangeNotice}). Logical
 * decoding carries rows, not DDL: after {@code ALTER TABLE products ALTER COLUMN price TYPE numeric(14,4)}
 * every row renders differently, after {@code ... TYPE integer USING round(price)} every row holds another
 * value, and no change event says so. The trigger writes a transactional logical decoding message per
 * altered table at the end of each {@code ALTER TABLE}, one naming no table after {@code ALTER TYPE} or
 * {@code ALTER DOMAIN}; it is decoded at the DDL's commit, in commit order, like a change.
 *
 * <p>Created at start unless it exists, like the heartbeat table. An event trigger takes a superuser;
 * without one cdc-capture logs the statement for a superuser to run, and carries on.
 */
final class SchemaChangeTrigger {
    static final String NAME = "cachepipe_schema_changes";
    static final String SQL = """
            CREATE OR REPLACE FUNCTION public.cachepipe_schema_changed() RETURNS event_trigger LANGUAGE plpgsql AS $$
            DECLARE
              altered record;
            BEGIN
              IF TG_TAG IN ('ALTER TYPE', 'ALTER DOMAIN') THEN
                PERFORM pg_logical_emit_message(true, '%1$s', '{"all": true}');
                RETURN;
              END IF;
              FOR altered IN
                SELECT DISTINCT n.nspname, c.relname
                FROM pg_event_trigger_ddl_commands() AS d
                JOIN pg_class AS c ON c.oid = d.objid AND d.classid = 'pg_class'::regclass
                JOIN pg_namespace AS n ON n.oid = c.relnamespace
              LOOP
                PERFORM pg_logical_emit_message(true, '%1$s',
                  json_build_object('schema', altered.nspname, 'table', altered.relname)::text);
              END LOOP;
            END
            $$;
            CREATE EVENT TRIGGER %2$s ON ddl_command_end
              WHEN TAG IN ('ALTER TABLE', 'ALTER TYPE', 'ALTER DOMAIN')
              EXECUTE FUNCTION public.cachepipe_schema_changed();
            """.formatted(SchemaChangeNotice.MESSAGE_PREFIX, NAME);

    private static final Logger log = LoggerFactory.getLogger(SchemaChangeTrigger.class);

    private SchemaChangeTrigger() {
    }

    /** Creates the trigger unless it exists; says what to run when it cannot. Never throws: capture works without it. */
    static void ensure(DataSource dataSource, String user) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            if (installed(statement)) {
                return;
            }
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                statement.execute(SQL);
                connection.commit();
                log.info("Event trigger {} created: schema changes of captured tables drop the values cached from them", NAME);
            } catch (SQLException e) {
                connection.rollback();
                log.warn("Event trigger {} is missing and {} cannot create it ({}). Without it a schema change that rewrites or "
                        + "re-renders a table's rows (ALTER COLUMN ... TYPE) leaves the values cached from them as they were until "
                        + "their TTL. A superuser can create it (docs/deploy.md, Schema changes):\n{}", NAME, user, e.getMessage(), SQL);
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            log.warn("Could not check for event trigger {}: {}", NAME, e.getMessage());
        }
    }

    private static boolean installed(Statement statement) throws SQLException {
        try (ResultSet rows = statement.executeQuery("SELECT 1 FROM pg_event_trigger WHERE evtname = '" + NAME + "' AND evtenabled <> 'D'")) {
            return rows.next();
        }
    }
}
