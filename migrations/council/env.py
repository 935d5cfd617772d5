"""Alembic environment of the council database. Run through council.core.migrate (``council init``)."""

from alembic import context

import council.access.models  # noqa: F401  (registers the tables on the metadata)
import council.audit.models  # noqa: F401
import council.auth.models  # noqa: F401
import council.cases.models  # noqa: F401
from council.database import Base

context.configure(connection=context.config.attributes["connection"], target_metadata=Base.metadata,
                  render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
