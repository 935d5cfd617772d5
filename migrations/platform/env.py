"""Alembic environment of the platform database. Run through council.core.migrate."""

from alembic import context

import council.platform.models  # noqa: F401  (registers the tables on the metadata)
import council.platform.statistics.models  # noqa: F401
from council.platform.database import Base

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
