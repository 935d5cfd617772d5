"""Alembic environment of the council database. Run through council.core.migrate (``council init``)."""

from alembic import context

from council.database import Base, register_all

register_all()

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
