"""What `council init` leaves behind, and the starts that must be refused with a message naming the fix."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path

import pytest

from council.core.db import make_engine
from tests.functional.council_process import council, council_env, free_port, initialised


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(scope="module")
def shared_instance(tmp_path_factory) -> Path:
    """One initialised instance for the tests that only read it."""
    return initialised(tmp_path_factory.mktemp("start-up") / "instance")


@pytest.fixture
def instance(tmp_path) -> Path:
    return initialised(tmp_path / "instance")


# -- files only their owner can read ------------------------------------------------------------------


def test_init_makes_the_instance_folders_and_databases_the_owners_only(shared_instance):
    assert mode(shared_instance) == 0o700
    assert mode(shared_instance / "platform") == 0o700
    assert mode(shared_instance / "keys") == 0o700
    assert mode(shared_instance / "council.db") == 0o600
    assert mode(shared_instance / "platform" / "platform.db") == 0o600


def test_init_closes_an_instance_left_open_by_an_older_version(instance):
    """A clone's instance/ is 0755 (git), and databases made before this change are 0644."""
    for path, old in ((instance, 0o755), (instance / "platform", 0o755), (instance / "council.db", 0o644),
                      (instance / "platform" / "platform.db", 0o644)):
        path.chmod(old)
    result = council(instance, "init", "--quiet")
    assert result.returncode == 0, result.stderr
    tightened = [line.split()[1].rstrip(":") for line in result.stdout.splitlines() if "tightened" in line]
    assert {str(instance), str(instance / "platform"), str(instance / "council.db"),
            str(instance / "platform" / "platform.db")} <= set(tightened), result.stdout
    assert (mode(instance), mode(instance / "platform")) == (0o700, 0o700)
    assert (mode(instance / "council.db"), mode(instance / "platform" / "platform.db")) == (0o600, 0o600)
    assert council(instance, "init", "--quiet").stdout == ""  # nothing left to say


def test_platform_init_alone_makes_its_folder_and_database_the_owners_only(tmp_path):
    folder = tmp_path / "instance"
    result = council(folder, "platform", "init")
    assert result.returncode == 0, result.stderr
    assert mode(folder / "platform") == 0o700
    assert mode(folder / "platform" / "platform.db") == 0o600
    assert mode(folder / "platform" / "secret_key") == 0o600


def test_sqlite_database_and_its_log_files_are_private_from_the_start(tmp_path):
    """SQLite would make them 0644; the -wal and -shm files take the database file's mode."""
    path = tmp_path / "new.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE note (body TEXT)")
            connection.exec_driver_sql("INSERT INTO note VALUES ('x')")
            connection.commit()
            files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
            assert all(file.exists() for file in files)
            assert [mode(file) for file in files] == [0o600, 0o600, 0o600]
    finally:
        engine.dispose()


# -- production needs its host names ------------------------------------------------------------------


@pytest.mark.parametrize(("command", "prefix"), [(["audit", "verify"], "COUNCIL"),
                                                 (["platform", "audit", "verify"], "PLATFORM")])
def test_production_without_trusted_hosts_is_refused_naming_the_variable(shared_instance, command, prefix):
    production = {f"{prefix}_ENV": "production", f"{prefix}_URL_SCHEME": "https"}
    refused = council(shared_instance, *command, **production)
    assert refused.returncode == 1
    assert f"{prefix}_TRUSTED_HOSTS" in refused.stderr and "Traceback" not in refused.stderr
    blank = council(shared_instance, *command, **production, **{f"{prefix}_TRUSTED_HOSTS": " , "})
    assert blank.returncode == 1 and f"{prefix}_TRUSTED_HOSTS" in blank.stderr
    started = council(shared_instance, *command, **production, **{f"{prefix}_TRUSTED_HOSTS": "example.lg.jp"})
    assert started.returncode == 0, started.stderr
    assert "intact" in started.stdout


def test_validate_refuses_production_without_trusted_hosts_on_both_sides():
    from council import config as council_config
    from council.platform import config as platform_config

    settings = {"SECRET_KEY": "k", "ENVIRONMENT": "production", "PREFERRED_URL_SCHEME": "https",
                "DATABASE_URL": "postgresql+psycopg://app@db/council"}
    with pytest.raises(council_config.ConfigError, match="COUNCIL_TRUSTED_HOSTS"):
        council_config.validate({**settings, "TRUSTED_HOSTS": []})
    with pytest.raises(platform_config.PlatformConfigError, match="PLATFORM_TRUSTED_HOSTS"):
        platform_config.validate(settings)
    council_config.validate({**settings, "TRUSTED_HOSTS": ["council.example.lg.jp"]})
    platform_config.validate({**settings, "TRUSTED_HOSTS": ["platform.example.jp"]})


# -- a missing database or key stops the start, naming the fix ---------------------------------------

SERVE = ["serve", "--port"]
PLATFORM_SERVE = ["platform", "serve", "--port"]


@pytest.mark.parametrize(("missing", "command", "fix"), [
    ("council.db", SERVE, "council init"),
    ("keys/secret_key", SERVE, "council init"),
    ("keys/kek-0001.key", SERVE, "council init"),
    ("platform/platform.db", SERVE, "council platform init"),
    ("platform/secret_key", SERVE, "council platform init"),
    ("platform/platform.db", PLATFORM_SERVE, "council platform init"),
    ("platform/secret_key", PLATFORM_SERVE, "council platform init"),
    ("platform/platform.db", ["platform", "create-admin", "admin"], "council platform init"),
])
def test_start_without_a_database_or_key_stops_naming_the_fix(instance, missing, command, fix):
    (instance / missing).unlink()
    args = [*command, str(free_port())] if command[-1] == "--port" else command
    result = council(instance, *args, timeout=60)
    assert result.returncode == 1, result.stdout
    assert f"`{fix}`" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert "/setup/first/" not in result.stdout  # no link is handed out by a server that is not starting
    assert not (instance / missing).exists()  # nothing was created in its place


def test_platform_app_refuses_a_missing_key_or_database_naming_platform_init(tmp_path):
    from council.platform import create_app
    from council.platform.config import PlatformConfigError

    folder = tmp_path / "platform"
    folder.mkdir(mode=0o700)
    with pytest.raises(PlatformConfigError, match="council platform init"):
        create_app({"INSTANCE_PATH": folder})
    (folder / "secret_key").write_bytes(b"k" * 32)
    (folder / "secret_key").chmod(0o600)
    with pytest.raises(PlatformConfigError, match="council platform init"):
        create_app({"INSTANCE_PATH": folder})
    assert not (folder / "platform.db").exists()


# -- what start-up leaves to the garbage collector ----------------------------------------------------------------


def test_a_served_app_leaves_its_start_up_out_of_full_collections(shared_instance, app_config):
    # A worker's full collections walked every object start-up made (issue 13): an app built to serve freezes them;
    # one built for tests (hundreds a process, each freed) does not. The app to serve is built in a process of its
    # own; this one's count is compared with itself, as a test before may have built an app to serve here.
    import gc

    from council import create_app
    from council.database import db

    code = ("import gc; from council import create_app; from council.platform import create_app as platform;"
            "before = gc.get_freeze_count(); create_app(); platform(); print(before, gc.get_freeze_count())")
    shown = subprocess.run([sys.executable, "-c", code], cwd=shared_instance.parent, env=council_env(shared_instance),
                           capture_output=True, text=True, timeout=120, check=True).stdout.split()
    assert shown[0] == "0" and int(shown[1]) > 10_000
    frozen = gc.get_freeze_count()  # freezing would add every object this process tracks, freeing can only take away
    built = create_app(app_config)
    db.dispose(built)
    assert built.testing and gc.get_freeze_count() <= frozen
