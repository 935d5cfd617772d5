"""The council app with an instance folder of its own (the checkpoint file starts absent), for the tests of
checkpoints and verification runs: ``from tests.functional.audit.own_instance import app_with_own_instance``."""

from __future__ import annotations

import shutil

import pytest

from council.database import db


@pytest.fixture(name="app")
def app_with_own_instance(app_config, tmp_path):
    """Replaces the suite's ``app`` fixture in the module that imports it."""
    from council import create_app

    folder = tmp_path / "instance"
    shutil.copytree(app_config["INSTANCE_PATH"], folder)
    application = create_app({**app_config, "INSTANCE_PATH": folder})
    yield application
    db.dispose(application)
