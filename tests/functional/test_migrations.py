"""The migrations create exactly what the models describe, on both databases and both sides."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from council.database import Base as CouncilBase
from council.database import register_all as register_council_models
from council.platform.database import Base as PlatformBase
from council.platform.models import register_all as register_platform_models

register_council_models()
register_platform_models()


def _differences(engine, metadata) -> list:
    with engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), metadata)


def test_council_schema_matches_the_models(app):
    assert _differences(app.extensions["council.db"][0], CouncilBase.metadata) == []


def test_platform_schema_matches_the_models(platform_app):
    assert _differences(platform_app.extensions["platform.db"][0], PlatformBase.metadata) == []
