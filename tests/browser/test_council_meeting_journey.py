"""A 個別ケース検討会議 as a council runs it, end to end in Chromium, on one clock that moves through its days:

1. the coordinator (調整機関) opens the progress ledger from the home page (1280 and 1024 px wide: the header on one
   line, the 17 columns scrolling inside their box with the case number kept in view), registers the 福祉事務所's
   case as a 協議会ケース and, with it ticked, schedules the meeting with the 社協 invited;
2. the lead caseworker prepares the brief (its header suggested from the case);
3. the 社協's caseworker reads it inside the material window, reveals the personal details (Post/Redirect/Get: the
   address stays the brief's) and prints it with the watermark; the 地域包括, not invited, gets 404;
4. at the meeting (the clock on the meeting's day) the coordinator records attendance and the decisions on the case
   (situation, risk, plan, a task for the 社協, key person, next review), then edits, approves and prints the minutes
   — the watermark, the checkpoint line and its QR code, which decodes to that line;
5. the 社協 prints its copy of the minutes (its watermark, the same checkpoint), finds its task on /tasks and
   completes it (the wording stays); the decision (risk, plan, next review) and the done task are on the case;
6. the day after the window closed, the 社協 gets 404 for the brief.

Screenshots go to the test's tmp dir (``<tmp_path>/NN-name.png``). Elements are found by name, id and data-testid.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import uuid

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.test_journeys import PASSPHRASE

pytestmark = pytest.mark.browser

SUBJECT, KANA, ADDRESS, PHONE = "会議 花子", "カイギ ハナコ", "みどり市中央1-1", "090-1234-5678"
SITUATION = "一人暮らしで外出が減っている。"
PERSONAL = "会議 花子、みどり市中央1-1"
DECIDED = "本人は自室にこもりがちだが、長女とは話せている"
PLAN, TASK = "社協が週1回訪問し、本人の様子を確認する", "週1回の訪問"
SUMMARY = "1件の協議会ケースを検討し、役割分担を決めた。"


class Council:
    """The people of one council, signed in through the real login form; the clock is the app's."""

    def __init__(self, server, open_page):
        from council.auth import admin, services
        from council.auth.models import PledgeAcceptance
        from council.auth.pledge import CURRENT_VERSION
        from council.auth.services import accounts
        from council.cases.services import PersonInput, open_case
        from council.core import clock
        from council.database import db

        self.server, self.open_page, self.steps = server, open_page, {}
        suffix = uuid.uuid4().hex[:6]
        with server.council_app.test_request_context():
            council = services.create_council(f"みどり市孤独・孤立対策地域協議会-{suffix}")
            self.institutions = {}
            for key, name, kind, coordinates in (
                    ("office", "みどり市福祉事務所", "government", False),
                    ("coordination", "みどり市福祉政策課（調整機関）", "government", True),
                    ("shakyo", "みどり市社会福祉協議会", "social_welfare_council", False),
                    ("houkatsu", "北部地域包括支援センター", "community_support_center", False)):
                self.institutions[key] = admin.create_institution(actor=None, council=council, name=name, kind=kind,
                                                                  is_coordinator=coordinates)
            self.people, made = {}, {}
            for key, institution, role, name in (("lead", "office", "caseworker", "福祉 一郎"),
                                                 ("coordinator", "coordination", "coordinator", "調整 花子"),
                                                 ("shakyo", "shakyo", "caseworker", "社協 次郎"),
                                                 ("houkatsu", "houkatsu", "caseworker", "包括 三子")):
                user, _token = admin.create_user(actor=None, institution=self.institutions[institution],
                                                 username=f"{key}-{suffix}", display_name=name, role=role)
                user.password_hash, user.password_changed_at = accounts().hasher.hash(PASSPHRASE), clock.utcnow()
                user.totp_secret = pyotp.random_base32(32)
                db.session.add(PledgeAcceptance(user_id=user.id, version=CURRENT_VERSION,
                                                accepted_at=clock.utcnow()))
                self.people[key], made[key] = (user.username, user.totp_secret), user
            db.session.commit()
            case = open_case(actor=made["lead"], lead_institution=self.institutions["office"],
                             intake_date=clock.japan_today() - dt.timedelta(days=40), categories=["単身高齢"],
                             risk="medium", assigned=[made["lead"]], key_person="長女 会議 春子",
                             first_record="民生委員から連絡。",
                             subject=PersonInput(name=SUBJECT, kana=KANA, birth_date=dt.date(1950, 3, 1),
                                                 address=ADDRESS, phone=PHONE))
            self.case_id, self.number = case.id, case.number
            self.ids = {key: user.id for key, user in made.items()}
            self.council_name = council.name

    def code(self, who: str) -> str:
        """A TOTP code the server has not seen for ``who``: codes are single-use per 30-second step and the server
        accepts the steps either side of the current one. Not in a step's last two seconds: a code for the step before
        would be two behind by the time the server checks it (CI saw a 401 at hh:mm:00)."""
        _username, secret = self.people[who]
        if time.time() % 30 > 28:
            time.sleep(30.2 - time.time() % 30)
        now = int(time.time() // 30)
        step = max(self.steps.get(who, now - 2) + 1, now - 1)
        assert step <= now + 1, f"{who} signed in too often within a minute"
        self.steps[who] = step
        return pyotp.TOTP(secret).at(step * 30)

    def sign_in(self, who: str, *, width: int = 1100):
        username, _secret = self.people[who]
        page = self.open_page(self.server)
        page.set_viewport_size({"width": width, "height": 900})
        page.goto("/login")
        page.fill("[name=username]", username)
        page.fill("[name=password]", PASSPHRASE)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        page.fill("[name=code]", self.code(who))
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        expect(page.locator("[data-testid=site-badge]")).to_be_visible()
        # The login form posts to '#login-form-errors'; after a successful sign-in that fragment is gone.
        page.wait_for_function("() => !location.hash")
        return page


@pytest.fixture
def snap(tmp_path):
    """``snap(page, name)``: a full-page screenshot in the test's tmp dir, numbered in the order taken."""
    taken = []

    def take(page, name: str):
        taken.append(name)
        path = tmp_path / f"{len(taken):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")  # noqa: T201  (where a human finds it: pytest -s)
        return path

    return take


def _decoded(page) -> str:
    import zxingcpp
    from PIL import Image

    code = page.locator(".qr svg")
    code.scroll_into_view_if_needed()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(code.screenshot())), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, "the checkpoint's QR code as drawn does not decode"
    return found[0].text


def _header_on_one_line(page) -> None:
    boxes = page.locator("header.site nav li").evaluate_all(
        "items => items.map(li => [li.getBoundingClientRect().top, li.getBoundingClientRect().bottom])")
    assert max(top for top, _bottom in boxes) < min(bottom for _top, bottom in boxes), "the header's links wrap"
    overflow = page.locator("header.site nav ul").evaluate("ul => ul.scrollWidth - ul.clientWidth")
    assert overflow <= 1, "the header's links do not fit"


def _ledger_fits(page) -> None:
    """The page itself never scrolls sideways; the table does, inside its box, the case number staying in view."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    box = page.locator("[data-testid=ledger-scroll]")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "17 columns fit without scrolling: nothing to test"
    box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
    number = page.locator("[data-testid=ledger-row] th[data-col=number]").first
    left = number.evaluate("th => th.getBoundingClientRect().left - th.closest('.table-scroll')"
                           ".getBoundingClientRect().left")
    assert abs(left) <= 1, "the case number scrolled out of view"
    expect(page.locator("thead th[data-col=requests]")).to_be_in_viewport()
    box.evaluate("b => { b.scrollLeft = 0; }")


def test_a_case_review_meeting_from_the_ledger_to_the_decision_on_the_case(open_page, live_server, snap):
    from council.core import clock

    world = Council(live_server, open_page)
    day = clock.japan_today() + dt.timedelta(days=2)  # its material window (3 days before) is open already
    number, case_id = world.number, world.case_id

    # 1. The coordinator: the ledger from the home page, at 1280 and 1024 px.
    coordinator = world.sign_in("coordinator", width=1280)
    coordinator.locator("main a[href='/cases/ledger']").first.click()
    row = coordinator.locator(f"[data-testid=ledger-row][data-case='{number}']")
    expect(row).to_be_visible()
    assert SUBJECT not in coordinator.content() and PHONE not in coordinator.content()
    _header_on_one_line(coordinator)
    _ledger_fits(coordinator)
    snap(coordinator, "ledger-1280")
    coordinator.set_viewport_size({"width": 1024, "height": 800})
    _header_on_one_line(coordinator)
    _ledger_fits(coordinator)
    snap(coordinator, "ledger-1024")
    coordinator.set_viewport_size({"width": 1280, "height": 900})

    with coordinator.expect_navigation():
        row.locator("[data-testid=council-case] button[type=submit]").click()  # register as a 協議会ケース
    coordinator.check(f"#choose-{case_id}")
    with coordinator.expect_navigation():
        coordinator.click("[data-testid=prepare-meeting]")
    expect(coordinator.locator(f"[name=cases][value='{case_id}']")).to_be_checked()
    coordinator.check("[name=kind][value=case_review]")
    coordinator.fill("[name=title]", "第1回個別ケース検討会議")
    coordinator.fill("[name=day]", day.isoformat())
    coordinator.fill("[name=starts]", "14:00")
    coordinator.fill("[name=ends]", "16:00")
    coordinator.fill("[name=place]", "市役所 3階会議室")
    coordinator.check(f"[name=institutions][value='{world.institutions['shakyo'].id}']")
    snap(coordinator, "schedule")
    with coordinator.expect_navigation():
        coordinator.locator("#meeting-form button.primary").click()
    expect(coordinator.locator("[data-testid=agenda-item]")).to_contain_text(number)
    meeting = "/" + coordinator.url.split("#")[0].split("://", 1)[1].split("/", 1)[1]
    brief = f"{meeting}/cases/{case_id}/brief"
    assert SUBJECT not in coordinator.content()
    snap(coordinator, "meeting-page")

    # 2. The lead caseworker prepares the brief.
    lead = world.sign_in("lead")
    lead.goto(meeting)
    with lead.expect_navigation():
        lead.locator("[data-testid=prepare-brief]").click()
    expect(lead.locator("[name=initials]")).to_have_value("K.H.")
    lead.fill("[name=situation]", SITUATION)
    lead.fill("[name=proposed_plan]", "週1回の見守り訪問")
    lead.fill("[name=personal]", PERSONAL)
    snap(lead, "prepare-brief")
    with lead.expect_navigation():
        lead.locator("#brief-form button.primary").click()
    expect(lead.locator("[data-testid=brief-state]")).not_to_contain_text("No brief")

    # 3. The 社協 reads it in the window, reveals (PRG), prints; the 地域包括 (not invited) gets 404.
    shakyo = world.sign_in("shakyo")
    shakyo.goto(meeting)
    with shakyo.expect_navigation():
        shakyo.locator("[data-testid=read-brief]").click()
    expect(shakyo.locator("[data-testid=brief-situation]")).to_have_text(SITUATION)
    assert PERSONAL not in shakyo.content()
    with shakyo.expect_navigation():
        shakyo.locator("form.inline button").click()
    expect(shakyo.locator("[data-testid=brief-personal]")).to_have_text(PERSONAL)
    assert shakyo.url.endswith(brief), "a reveal lands on the brief's own address"
    snap(shakyo, "brief-revealed")
    shakyo.reload()  # a reload neither re-posts nor shows the details again
    expect(shakyo.locator("[data-testid=brief-situation]")).to_have_text(SITUATION)
    assert PERSONAL not in shakyo.content()
    shakyo.goto(f"{brief}/print")
    expect(shakyo.locator("[data-testid=watermark]")).to_contain_text("社協 次郎")
    snap(shakyo, "brief-print")
    houkatsu = world.sign_in("houkatsu")
    assert houkatsu.goto(brief).status == 404
    assert houkatsu.goto(meeting).status == 404

    # 4. At the meeting: attendance, decisions, minutes edited, approved and printed.
    starts = clock.japan_to_utc(day, dt.time(14, 0))
    with clock.moved_to(starts + dt.timedelta(minutes=90)):
        coordinator = world.sign_in("coordinator")
        coordinator.goto(meeting)
        with coordinator.expect_navigation():
            coordinator.click("[data-testid=record-meeting]")
        coordinator.check("input[name^=attended-]")
        with coordinator.expect_navigation():
            coordinator.click("[data-testid=save-attendance]")
        with coordinator.expect_navigation():
            coordinator.click("[data-testid=record-item]")
        coordinator.fill("[name=situation]", DECIDED)
        coordinator.select_option("[name=risk]", "high")
        coordinator.fill("[name=plan]", PLAN)
        coordinator.select_option("[name=tasks-0-institution]", str(world.institutions["shakyo"].id))
        coordinator.fill("[name=tasks-0-what]", TASK)
        coordinator.fill("[name=tasks-0-due_date]", (day + dt.timedelta(days=30)).isoformat())
        coordinator.select_option("[name=key_person_role]", "family")
        coordinator.fill("[name=key_person]", "長女 会議 春子")
        review = coordinator.locator("[name=next_review_date]").input_value()
        snap(coordinator, "decisions")
        with coordinator.expect_navigation():
            coordinator.locator("#item-form button[type=submit]").click()
        expect(coordinator.locator("[data-testid=decided]")).to_be_visible()

        coordinator.click("[data-testid=minutes-link]")
        part = coordinator.locator("[data-testid=minutes-part]")
        expect(part).to_contain_text(PLAN)  # generated from the decisions
        part.fill(part.input_value() + "\n次回、訪問の結果を報告する。")
        coordinator.fill("[name=summary]", SUMMARY)
        with coordinator.expect_navigation():
            coordinator.click("[data-testid=save-minutes]")
        coordinator.check("[name=approve-confirm]")
        with coordinator.expect_navigation():
            coordinator.click("[data-testid=approve-minutes]")
        expect(coordinator.locator("main")).to_contain_text("次回、訪問の結果を報告する。")
        line = coordinator.locator("[data-testid=checkpoint-line]").inner_text().strip()
        assert line.startswith('{"format":"council-audit-checkpoint/1"')
        expect(coordinator.locator("[data-testid=save-minutes]")).to_have_count(0)  # read-only once approved
        snap(coordinator, "minutes-approved")
        coordinator.goto(f"{meeting}/minutes/print")
        expect(coordinator.locator("[data-testid=watermark]")).to_contain_text("調整 花子")
        expect(coordinator.locator("[data-testid=watermark]")).to_contain_text("調整機関")
        expect(coordinator.locator("[data-testid=minutes-summary]")).to_have_text(SUMMARY)
        expect(coordinator.locator("main")).to_contain_text(PLAN)
        expect(coordinator.locator("[data-testid=checkpoint-line]")).to_have_text(line)
        coordinator.emulate_media(media="print")
        assert _decoded(coordinator) == line
        snap(coordinator, "minutes-print")

        # 5. The 社協 files its copy (its watermark, the same checkpoint) and finds its task, which it completes; the
        #    decision and the task's completion are on the case for the lead.
        shakyo = world.sign_in("shakyo")
        shakyo.goto(f"{meeting}/minutes/print")
        expect(shakyo.locator("[data-testid=watermark]")).to_contain_text("みどり市社会福祉協議会")
        expect(shakyo.locator("main")).to_contain_text(PLAN)
        expect(shakyo.locator("main")).not_to_contain_text(SUBJECT)
        assert _decoded(shakyo) == line
        snap(shakyo, "minutes-print-of-the-shakyo")
        shakyo.goto("/")
        shakyo.locator("main a[href='/tasks']").first.click()
        task = shakyo.locator("[data-testid=task]")
        expect(task).to_contain_text(TASK)
        expect(task).to_contain_text(number)
        snap(shakyo, "tasks-of-the-shakyo")
        with shakyo.expect_navigation():
            task.locator("[data-testid=complete-task]").click()
        expect(task.locator("[data-testid=task-done]")).to_contain_text("社協 次郎")
        expect(task).to_contain_text(TASK)  # a done task keeps its wording (the kept minutes open it)
        snap(shakyo, "task-done")
        lead = world.sign_in("lead")
        lead.goto(f"/cases/{case_id}")
        expect(lead.locator("[data-testid=risk]")).to_have_text("高")
        expect(lead.locator("[data-testid=plan]")).to_have_text(PLAN)
        expect(lead.locator("[data-testid=case-task]")).to_contain_text(TASK)
        expect(lead.locator("[data-testid=case-task-done]")).to_contain_text("社協 次郎")
        expect(lead.locator("main")).to_contain_text(review)
        snap(lead, "case-after-meeting")

    # 6. The window closed 24 hours after the meeting: the brief answers 404.
    with clock.moved_to(starts + dt.timedelta(hours=2, minutes=1) + dt.timedelta(hours=24)):
        shakyo = world.sign_in("shakyo")
        assert shakyo.goto(brief).status == 404
