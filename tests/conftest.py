"""Shared fixtures: apps on SQLite and PostgreSQL, clients, factories, and a sign-in helper.

Every test that uses ``app`` (or ``platform_app``) runs once per database backend. Each test gets a
fresh database cloned from a migrated template, so tests never see each other's rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import shutil
import time
import uuid
from pathlib import Path

import psycopg
import pyotp
import pytest
from flask import current_app, has_app_context
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from council.core import clock, migrate
from council.core.db import make_engine
from council.instance import create_keys
from council.security.passwords import Argon2Parameters

PG_URL = os.environ.get("COUNCIL_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI") == "true"
#: Cheap hashing for tests; the production parameters have their own test.
FAST_HASH = Argon2Parameters(memory_cost=64, iterations=1, lanes=1)
PASSWORD = "correct horse battery staple"
_counter = itertools.count()


def skip_or_fail(reason: str):
    """Outside CI a missing PostgreSQL or Chromium skips; in CI it fails the run (issue #2)."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: skipping is not allowed)")
    pytest.skip(reason)


def _pg_dsn(database: str) -> str:
    return PG_URL.rsplit("/", 1)[0] + f"/{database}"


def _sqlalchemy_pg(database: str) -> str:
    return _pg_dsn(database).replace("postgresql://", "postgresql+psycopg://", 1)


#: Where the suite's clock stands: 23:30 UTC is 08:30 of the next day in Japan, the hours in which a UTC
#: "today" is yesterday in Japan (issue 8). Every test runs there, so a stray UTC date fails somewhere.
SUITE_TIME_UTC = dt.time(23, 30)


@pytest.fixture(scope="session", autouse=True)
def japan_morning() -> dt.datetime:
    """Move the app's clock (council.core.clock) to 23:30 UTC of the current day for the whole run.

    An offset, not a frozen time: the clock keeps running, so idle timeouts and expiries still pass. TOTP
    codes count real seconds and are not moved. Session-scoped, so that module-scoped fixtures (the browser
    tests' live server) see the same clock as the tests."""
    clock.reset()
    moment = dt.datetime.combine(clock.utcnow().date(), SUITE_TIME_UTC, tzinfo=dt.UTC)
    clock.set_now(moment)
    yield moment
    clock.reset()


@pytest.fixture(scope="module", autouse=True)
def japan_morning_again(japan_morning):
    """Put the clock back to 23:30 UTC of the same day at the start of every test module.

    The whole suite runs longer than the 30 minutes from 23:30 to midnight: a clock left running would
    pass 00:00 UTC part-way, and from then on UTC's date and Japan's agree again (stop 17's CI failed so).
    No module runs for 30 minutes, and a module's own fixtures (a live server) start after this one."""
    clock.set_now(japan_morning)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """Pages are Japanese by default, so tests need the compiled catalogs (``make test`` builds them too)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in Path(__file__).resolve().parents[1].glob("council/translations/*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as source, mo.open("wb") as target:
                write_mo(target, read_po(source))


@pytest.fixture(scope="session")
def postgres_available() -> bool:
    try:
        with psycopg.connect(PG_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


class Templates:
    """Migrated template databases, one per (backend, environment), cloned for each test."""

    def __init__(self, tmp: Path):
        self.tmp, self.made, self.pg_databases = tmp, {}, []

    def sqlite_url(self, environment: str) -> str:
        key = ("sqlite", environment)
        if key not in self.made:
            path = self.tmp / f"template-{environment}.db"
            engine = make_engine(f"sqlite:///{path}")
            migrate.upgrade(engine, environment)
            engine.dispose()
            self.made[key] = path
        target = self.tmp / f"{environment}-{next(_counter)}.db"
        shutil.copy(self.made[key], target)
        return f"sqlite:///{target}"

    def pg_url(self, environment: str) -> str:
        key = ("postgresql", environment)
        if key not in self.made:
            name = f"council_tpl_{environment}_{uuid.uuid4().hex[:8]}"
            self._admin(f"CREATE DATABASE {name}")
            engine = make_engine(_sqlalchemy_pg(name))
            migrate.upgrade(engine, environment)
            engine.dispose()
            self.made[key] = name
            self.pg_databases.append(name)
        name = f"council_test_{uuid.uuid4().hex[:12]}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {self.made[key]}")
        self.pg_databases.append(name)
        return _sqlalchemy_pg(name)

    @staticmethod
    def _admin(statement: str) -> None:
        with psycopg.connect(PG_URL, autocommit=True) as connection:
            connection.execute(statement)

    def drop(self, url: str) -> None:
        if url.startswith("postgresql"):
            name = url.rsplit("/", 1)[1]
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            self.pg_databases.remove(name)

    def drop_all(self) -> None:
        for name in list(self.pg_databases):
            self._admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session")
def templates(tmp_path_factory):
    made = Templates(tmp_path_factory.mktemp("databases"))
    yield made
    made.drop_all()


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("instance")
    create_keys(folder)
    (folder / "platform").mkdir()
    for name in ("secret_key", "totp.key"):
        (folder / "platform" / name).write_bytes(os.urandom(32))
        (folder / "platform" / name).chmod(0o600)
    return folder


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, postgres_available) -> str:
    if request.param == "postgresql" and not postgres_available:
        skip_or_fail(f"PostgreSQL is not reachable at {PG_URL}")
    return request.param


def _database_url(templates: Templates, backend: str, environment: str) -> str:
    return templates.sqlite_url(environment) if backend == "sqlite" else templates.pg_url(environment)


@pytest.fixture
def app_config(instance_dir, templates, backend):
    url = _database_url(templates, backend, "council")
    yield {"TESTING": True, "INSTANCE_PATH": instance_dir, "DATABASE_URL": url, "PASSWORD_HASH": FAST_HASH,
           "WTF_CSRF_ENABLED": False}
    templates.drop(url)


@pytest.fixture
def app(app_config):
    """The council app. No app context is held open: each request must load its own state, as in production."""
    from council import create_app
    from council.database import db

    application = create_app(app_config)
    yield application
    db.dispose(application)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def platform_app(instance_dir, templates, backend):
    from council.platform import create_app
    from council.platform.database import db

    url = _database_url(templates, backend, "platform")
    application = create_app({"TESTING": True, "INSTANCE_PATH": instance_dir / "platform", "DATABASE_URL": url,
                              "PASSWORD_HASH": FAST_HASH, "WTF_CSRF_ENABLED": False})
    yield application
    db.dispose(application)
    templates.drop(url)


# -- factories ----------------------------------------------------------------------------------------


@pytest.fixture
def make_institution(app):
    from council.auth.models import Council, Institution
    from council.database import db

    def make(name: str | None = None, *, kind: str = "government", coordinator: bool = False,
             council: str = "テスト市孤独・孤立対策地域協議会"):
        with app.app_context():
            found = db.session.query(Council).filter_by(name=council).first() or Council(name=council)
            institution = Institution(council=found, name=name or f"機関{next(_counter)}", kind=kind,
                                      is_coordinator=coordinator)
            db.session.add(institution)
            db.session.commit()
            return institution

    return make


@pytest.fixture
def make_user(app, make_institution):
    from council.auth.models import PledgeAcceptance, User
    from council.auth.pledge import CURRENT_VERSION
    from council.auth.services import accounts
    from council.core.db import utcnow
    from council.database import db

    def make(role: str = "caseworker", *, institution=None, username: str | None = None, enrolled: bool = True,
             pledged: bool = True):
        institution = institution or make_institution()
        with app.app_context():
            user = User(username=username or f"user{next(_counter)}", display_name="テスト 利用者",
                        institution_id=institution.id, role=role, failed_logins=0)
            if enrolled:
                user.password_hash = accounts().hasher.hash(PASSWORD)
                user.totp_secret = pyotp.random_base32(32)
            db.session.add(user)
            db.session.flush()
            if pledged:
                db.session.add(PledgeAcceptance(user_id=user.id, version=CURRENT_VERSION, accepted_at=utcnow()))
            db.session.commit()
            db.session.refresh(user)
            return user

    return make


@pytest.fixture
def make_case(app, make_user):
    """Open a case through the real service (encrypted, audited) as ``actor`` (a new caseworker by default)."""
    import datetime as dt

    from council.cases.services import PersonInput, open_case

    def make(actor=None, *, name: str = "山田 太郎", kana: str = "ヤマダ タロウ", birth: dt.date | None = None,
             phone: str = "090-1234-5678", address: str = "みどり市本町1-2-3", assigned=None, **kwargs):
        actor = actor or make_user("caseworker")
        with app.app_context():
            actor = db_get(app, type(actor), actor.id)
            assigned_users = [db_get(app, type(u), u.id) for u in (assigned if assigned is not None else [actor])]
            subject = PersonInput(name=name, kana=kana, birth_date=birth or dt.date(1975, 6, 1), phone=phone,
                                  address=address, sex="male")
            case = open_case(actor=actor, lead_institution=actor.institution, intake_date=dt.date(2026, 4, 1),
                             categories=kwargs.pop("categories", ["ひきこもり", "8050世帯"]),
                             risk=kwargs.pop("risk", "medium"), subject=subject, assigned=assigned_users,
                             first_record=kwargs.pop("first_record", "初回相談。母親から電話。"), **kwargs)
            return case

    return make


@pytest.fixture
def make_meeting(app, make_user):
    """A meeting's rows as they stand after scheduling (kind, time, participants, agenda), inserted directly: no
    grants, no audit. Tests of what a meeting does use the meetings services; this only sets the table."""
    import datetime as dt

    from council.core.clock import utcnow
    from council.database import db
    from council.meetings.models import Meeting, MeetingItem, MeetingParticipant

    def make(creator=None, *, kind: str = "case_review", cases=(), users=(), institutions=(),
             starts_at: dt.datetime | None = None, hours: int = 2, title: str = "第1回個別ケース検討会議",
             state: str = "scheduled"):
        creator = creator or make_user("coordinator")
        starts_at = starts_at or utcnow() + dt.timedelta(days=1)
        with app.app_context():
            creator = db_get(app, type(creator), creator.id)
            meeting = Meeting(council_id=creator.institution.council_id, kind=kind, state=state, title=title,
                              starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=hours), place="会議室",
                              created_by=creator.id)
            meeting.participants = [MeetingParticipant(user_id=u.id) for u in users] + \
                [MeetingParticipant(institution_id=i.id) for i in institutions]
            meeting.items = [MeetingItem(position=n, case_id=c.id) for n, c in enumerate(cases, start=1)]
            db.session.add(meeting)
            db.session.commit()
            db.session.refresh(meeting)
            return meeting

    return make


def db_get(app, model, id_):
    """Load a row in the current app context's session."""
    session_factory = app.extensions["platform.db" if "platform.db" in app.extensions else "council.db"][1]
    return session_factory().get(model, id_)


def unused_code(secret: str, last_step: int | None) -> str:
    """A TOTP code for a step not used yet (replay protection refuses used steps)."""
    now_step = int(time.time() // 30)
    for step in (now_step, now_step + 1):
        if last_step is None or step > last_step:
            return pyotp.TOTP(secret).at(step * 30)
    raise AssertionError("no unused TOTP step left in the drift window")


def english(client):
    """Switch ``client`` to English, for tests that check messages by their English text."""
    client.post("/language", data={"lang": "en", "next": "/login"})
    return client


def count(app, model) -> int:
    """How many rows ``model``'s table holds now."""
    engine = app.extensions["platform.db" if "platform.db" in app.extensions else "council.db"][0]
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model))


def fresh(app, model, id_):
    """The row as the database has it now, read in a session of its own (safe inside an app context)."""
    engine = app.extensions["platform.db" if "platform.db" in app.extensions else "council.db"][0]
    with _context_of(app), Session(engine, expire_on_commit=False) as session:
        return session.get(model, id_)


def _context_of(app):
    """An app context of ``app`` for opening sealed columns; the current one if it is ``app``'s already.

    (A second context would end the current one's session when it closes: the session is per thread.)
    """
    if has_app_context() and current_app._get_current_object() is app:
        return contextlib.nullcontext()
    return app.app_context()


def sign_in(app, client, user, *, password: str = PASSWORD):
    """Both sign-in steps through the real forms; returns the final response."""
    response = client.post("/login", data={"username": user.username, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    now = fresh(app, type(user), user.id)
    return client.post("/login/code", data={"code": unused_code(now.totp_secret, now.totp_last_step)})


@pytest.fixture
def login(app, client):
    """Sign ``user`` in on the shared test client; returns the client."""

    def do(user):
        response = sign_in(app, client, user)
        assert response.status_code == 302 and "/login" not in response.headers["Location"]
        return client

    return do


# -- platform factories -------------------------------------------------------------------------------


@pytest.fixture
def make_organisation(platform_app):
    """An organisation (approved unless told otherwise), made through the application service."""
    from council.platform.database import db
    from council.platform.organisations import services
    from council.platform.organisations.models import Application, OrganisationStatus

    def make(name: str = "NPO法人みどりの輪", *, approved: bool = True, area: str = "北部",
             fields: tuple[str, ...] = ("elderly",)):
        with platform_app.test_request_context():
            profile = services.Profile(name=name, kind="npo", area=area, fields=fields,
                                       description="高齢者サロンを運営しています。",
                                       public_contact="事務局 0436-12-3456", website="")
            organisation = services.apply(profile, username=f"applicant-{uuid.uuid4().hex[:8]}",
                                          display_name="申請者")
            if approved:
                organisation.status = OrganisationStatus.APPROVED
                db.session.delete(db.session.get(Application, organisation.id))
                db.session.commit()
            db.session.refresh(organisation)
            db.session.expunge(organisation)
            return organisation

    return make


@pytest.fixture
def make_platform_user(platform_app):
    """A platform account with PASSWORD; administrators get a TOTP secret (they must use it)."""
    from council.platform.database import db
    from council.platform.models import PlatformRole, PlatformUser
    from council.security.passwords import PasswordHasher

    def make(role: str = "member", *, organisation=None, username: str | None = None):
        with platform_app.app_context():
            hasher = PasswordHasher(platform_app.config["PASSWORD_HASH"])
            user = PlatformUser(username=username or f"pf-{uuid.uuid4().hex[:8]}", display_name=f"{role} さん",
                                role=role, organisation_id=organisation.id if organisation else None,
                                password_hash=hasher.hash(PASSWORD), failed_logins=0,
                                totp_secret=pyotp.random_base32() if role == PlatformRole.ADMIN else None)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


@pytest.fixture
def platform_login(platform_app):
    """A new test client of the platform with ``user`` signed in."""

    def do(user):
        client = platform_app.test_client()
        response = client.post("/login", data={"username": user.username, "password": PASSWORD})
        if response.headers.get("Location") == "/login/code":
            now = fresh(platform_app, type(user), user.id)
            response = client.post("/login/code", data={"code": unused_code(now.totp_secret, now.totp_last_step)})
        assert response.status_code == 302 and "/login" not in response.headers["Location"], response.status_code
        return client

    return do


@pytest.fixture
def scratch_engine(templates, postgres_available):
    """An engine of ``core.db.make_engine`` on a new PostgreSQL database holding a table ``scratch (n, label)`` and a
    function ``add_row()`` that writes to it: for the tests of how core.db begins and ends transactions."""
    if not postgres_available:
        skip_or_fail("PostgreSQL is not reachable")
    url = templates.pg_url("council")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE scratch (n integer, label varchar(8))")
        connection.exec_driver_sql("CREATE FUNCTION add_row() RETURNS integer LANGUAGE sql AS "
                                   "'INSERT INTO scratch VALUES (1) RETURNING n'")
    yield engine
    engine.dispose()
    templates.drop(url)
