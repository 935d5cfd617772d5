"""Alembic environment of the platform database. Run through council.core.migrate."""

from alembic import context

from council.platform.database import Base
from council.platform.models import register_all

register_all()

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
