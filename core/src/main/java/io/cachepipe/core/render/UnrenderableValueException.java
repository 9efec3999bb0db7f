package io.cachepipe.core.render;

import java.sql.SQLException;

/**
 * A value the database returned that {@link RowJson} could not render. Every legal value of the types
 * PostgreSQL has renders today; this is the net under that promise, and it names the column and its
 * type so that the failure is a reason (the API answers 422 with it), not an anonymous 500.
 */
public final class UnrenderableValueException extends SQLException {
    private final String column;
    private final String typeName;

    public UnrenderableValueException(String column, String typeName, Throwable cause) {
        super("column " + column + " (" + typeName + ") holds a value that cannot be rendered as JSON: "
                + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause instanceof SQLException sql ? sql.getSQLState() : null, cause);
        this.column = column;
        this.typeName = typeName;
    }

    public String column() {
        return column;
    }

    public String typeName() {
        return typeName;
    }
}
