/** cdc-capture: PostgreSQL's WAL, through Debezium's embedded engine, to Kafka change topics. */
@NullMarked
package io.cachepipe.cdc;

import org.jspecify.annotations.NullMarked;
