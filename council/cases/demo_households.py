"""Households across cases in the demo council: the 8050 household of the walkthrough, a 要配慮 case and a link.

- 福祉総合相談課 holds the son's case (緑川 一郎, ひきこもり・8050世帯) with his mother 緑川 タツ子 as a household
  member, and his father's case (緑川 茂), linked to it as the same household. At 社協, opening an intake for the
  mother (demo-caseworker: name 緑川 タツ子, kana ミドリカワ タツコ, born 1948-02-11) finds her as a household
  member of a case held by 福祉総合相談課, with the offers to ask it.
- 地域包括支援センター holds a 要配慮 (DV) case: neither its subject nor the household member in it is found by the
  duplicate check or the search of any other institution.

All names are invented. Made through the real services, so everything is encrypted and audited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from council.access.policy import Action, authorize
from council.auth.models import Institution, User
from council.cases import links, persons, restriction
from council.cases.services import PersonInput, open_case
from council.core.clock import japan_today
from council.database import db

MOTHER = PersonInput(name="緑川 タツ子", kana="ミドリカワ タツコ", birth_date=dt.date(1948, 2, 11), sex="female",
                     relationship="母")


def _worker(council, username: str) -> User:
    return db.session.scalar(select(User).join(Institution).where(Institution.council_id == council.id,
                                                                  User.username == username))


def _open(actor: User, subject: PersonInput, categories: list[str], record: str):
    return open_case(actor=actor, lead_institution=actor.institution, intake_date=japan_today() - dt.timedelta(days=90),
                     categories=categories, risk="medium", subject=subject, assigned=[actor], first_record=record)


def create_demo_households(council) -> None:
    """The demo's households (see the module's docstring). Commits."""
    welfare, houkatsu = _worker(council, "demo-coordinator"), _worker(council, "demo-houkatsu")
    son = _open(welfare, PersonInput(name="緑川 一郎", kana="ミドリカワ イチロウ", birth_date=dt.date(1976, 7, 7),
                                     sex="male", address="みどり市3丁目"),
                ["ひきこもり", "8050世帯"], "民生委員から、長男が20年ほど自宅にこもっているとの連絡。")
    edit = authorize(welfare, Action.EDIT_DETAILS, son)
    persons.add_household_member(actor=welfare, case=son, access=edit, data=MOTHER)
    father = _open(welfare, PersonInput(name="緑川 茂", kana="ミドリカワ シゲル", birth_date=dt.date(1945, 9, 1),
                                        sex="male", address="みどり市3丁目"),
                   ["単身高齢", "8050世帯"], "父親本人から、足腰が弱り通院が難しいとの相談。")
    links.link_cases(actor=welfare, case=son, access=authorize(welfare, Action.EDIT_DETAILS, son),
                     number=father.number, reason="same_household")
    protected = _open(houkatsu, PersonInput(name="青葉 由紀", kana="アオバ ユキ", birth_date=dt.date(1982, 4, 4),
                                            sex="female"),
                      ["DV・虐待", "住まい"], "本人から、配偶者の暴力を避けて転居したいとの相談。")
    persons.add_household_member(actor=houkatsu, case=protected,
                                 access=authorize(houkatsu, Action.EDIT_DETAILS, protected),
                                 data=PersonInput(name="青葉 剛", kana="アオバ ツヨシ", relationship="配偶者"))
    restriction.mark_restricted(actor=houkatsu, case=protected, access=authorize(houkatsu, Action.EDIT_DETAILS,
                                                                                 protected),
                                reason="dv", version=protected.version)
