"""The council database: its declarative base and its per-app session."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from council.core.db import NAMING_CONVENTION, Database, import_models


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = Database("council.db")


def register_all() -> list[str]:
    """Import every council-side model module so that ``Base.metadata`` holds every table (alembic's env, the
    start-up checks, the schema test); the platform's models are its own (``council.platform.models``)."""
    return import_models("council", skip=("council.platform",))
