"""The council database: its declarative base and its per-app session."""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from council.core.db import NAMING_CONVENTION, Database


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = Database("council.db")
