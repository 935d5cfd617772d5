"""The platform database: its own declarative base and session, unrelated to the council's."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from council.core.db import NAMING_CONVENTION, Database


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = Database("platform.db")
