"""Count the SQL statements a block of code sends (the N+1 guard)."""

from contextlib import contextmanager

from sqlalchemy import event

from organizer.extensions import db


@contextmanager
def count_queries(app):
    """Yield a list that fills with the statements run inside the block (app's engine)."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine

    def on_execute(_conn, _cursor, statement, _parameters, _context, _executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
