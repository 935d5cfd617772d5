"""The minutes: written from the record, edited by the coordinator, approved (then read-only on every path) with a
signed audit checkpoint that verifies — from the page's text and from its QR code — and catches a log cut or
rewritten afterwards. Who reads the cases' parts, and the audited print. Both databases."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, text
from werkzeug.exceptions import NotFound

from council.access.models import CaseGrant
from council.audit.events import AuditTag, record
from council.audit.models import AuditEvent, AuditEventCase
from council.auth.models import User
from council.cases.errors import CaseError
from council.cli import cli
from council.core import clock
from council.database import db
from council.meetings.minutes import services
from council.meetings.minutes.services import MinutesApproved
from council.meetings.models import Meeting
from tests.conftest import db_get, fresh
from tests.functional.meetings.minutes_world import (  # noqa: F401  (world_fixture: the fixture ``world``)
    NO_TASKS,
    PLAN,
    SITUATION,
    SUBJECT,
    client_of,
    decisions,
    fresh_meeting,
    item_path,
    record_attendance,
    world_fixture,
)

SUMMARY = "年間方針を確認した。"


def _minutes(world) -> str:
    return f"/meetings/{world.meeting.id}/minutes"


def _recorded(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    record_attendance(coordinator, world)
    assert coordinator.post(item_path(world), data=decisions(world)).status_code == 302
    return coordinator


def _approve(app, client, world):
    version = fresh_meeting(app, world).version
    response = client.post(f"{_minutes(world)}/approve", data={"approve-version": str(version),
                                                                 "approve-confirm": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    return client.get(_minutes(world)).get_data(as_text=True)


def _part_field(page: str) -> str:
    return re.search(r'name="(part-\d+)"', page).group(1)


def test_the_coordinator_edits_the_generated_minutes_then_approves_them(app, world):
    coordinator = _recorded(app, world)
    page = coordinator.get(_minutes(world)).get_data(as_text=True)
    assert SITUATION in page and PLAN in page and "社会福祉協議会: 訪問して様子を確認" in page
    part, version = _part_field(page), fresh_meeting(app, world).version
    saved = coordinator.post(f"{_minutes(world)}/edit", data={"summary": SUMMARY, part: "修正した記録。",
                                                              "version": str(version)})
    assert saved.status_code == 302
    page = _approve(app, coordinator, world)
    assert SUMMARY in page and 'data-testid="checkpoint-line"' in page
    assert 'name="summary"' not in page  # read-only now
    # The council keeps its minutes: the coordinator reads the approved part (its drafting grant ended, its
    # institution's copy — a ``minutes`` grant — remains), and so do the participants.
    assert "修正した記録。" in page and "you do not reach this case for this meeting" not in page
    assert "修正した記録。" in client_of(app, world.users["member"]).get(_minutes(world)).get_data(as_text=True)
    meeting = fresh(app, Meeting, world.meeting.id)
    assert (meeting.state, meeting.minutes_approved_by) == ("approved", world.users["coordinator"].id)
    with app.app_context():
        events = {e.tag: e for e in db.session.scalars(select(AuditEvent).where(AuditEvent.seq > 0))}
    assert events[AuditTag.MINUTES_APPROVED].basis == f"meeting:{world.meeting.id}"
    assert events[AuditTag.AUDIT_CHECKPOINT_CREATED].seq == meeting.checkpoint_seq + 1


def test_a_stale_minutes_form_is_refused_and_keeps_what_was_typed(app, world):
    coordinator = _recorded(app, world)
    page = coordinator.get(_minutes(world)).get_data(as_text=True)
    version = fresh_meeting(app, world).version
    member = client_of(app, world.users["member"])
    changed = decisions(world, version=2, plan="後から直した方針", **NO_TASKS)
    assert member.post(item_path(world), data=changed).status_code == 302
    refused = coordinator.post(f"{_minutes(world)}/edit", data={"summary": SUMMARY, _part_field(page): "古い記録",
                                                                "version": str(version)})
    body = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "The minutes changed after you opened them" in body
    assert SUMMARY in body and "古い記録" in body


def test_after_approval_every_write_path_refuses(app, world):
    coordinator = _recorded(app, world)
    page = coordinator.get(_minutes(world)).get_data(as_text=True)
    part = _part_field(page)
    _approve(app, coordinator, world)
    meeting = fresh_meeting(app, world)
    participants = {f"attended-{p.id}": "" for p in meeting.participants}
    attempts = [
        coordinator.post(f"/meetings/{meeting.id}/record", data={"version": str(meeting.version), **participants}),
        coordinator.post(item_path(world), data=decisions(world, version=2, plan="承認後の書き換え")),
        coordinator.post(f"{_minutes(world)}/edit", data={"summary": "書き換え", part: "書き換え",
                                                          "version": str(meeting.version)}),
        coordinator.post(f"{_minutes(world)}/approve", data={"approve-version": str(meeting.version),
                                                             "approve-confirm": "y"}),
    ]
    assert [r.status_code for r in attempts[:1] + attempts[2:]] == [400, 400, 400]
    # The coordinator's drafting grant ended with the approval: the item's page is no longer theirs.
    assert attempts[1].status_code == 404
    member = client_of(app, world.users["member"])
    refused = member.post(item_path(world), data=decisions(world, version=2, plan="承認後の書き換え"))
    assert refused.status_code == 400 and "are approved" in refused.get_data(as_text=True)
    after = fresh(app, Meeting, meeting.id)
    assert (after.version, after.summary_enc, after.state) == (meeting.version, meeting.summary_enc, "approved")
    assert all(p.attended for p in fresh_meeting(app, world).participants)
    with app.test_request_context():
        actor, stored = db_get(app, User, world.users["coordinator"].id), db_get(app, Meeting, meeting.id)
        for call in (lambda: services.save_minutes(actor=actor, meeting=stored, summary="x", parts={},
                                                   version=after.version),
                     lambda: services.approve_minutes(actor=actor, meeting=stored, version=after.version),
                     lambda: services.record_attendance(actor=actor, meeting=stored, attended={},
                                                        version=after.version)):
            with pytest.raises(MinutesApproved):
                call()
        drafting = list(db.session.scalars(select(CaseGrant).where(
            CaseGrant.basis == f"meeting:{meeting.id}", CaseGrant.user_id == actor.id)))
        assert drafting and all(g.end_reason == "minutes_approved" for g in drafting)


def test_minutes_need_a_record_before_approval(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    version = fresh_meeting(app, world).version
    refused = coordinator.post(f"{_minutes(world)}/approve", data={"approve-version": str(version),
                                                                   "approve-confirm": "y"})
    assert refused.status_code == 400 and "before approving" in refused.get_data(as_text=True)
    assert fresh(app, Meeting, world.meeting.id).state == "scheduled"


def _checkpoint_line(page: str) -> str:
    import html

    return html.unescape(re.search(r'data-testid="checkpoint-line">([^<]+)</code>', page).group(1))


def _qr_text(page: str) -> str:
    """The QR code's text, decoded from the page's inline SVG as drawn (modules rasterised, then zxing-cpp)."""
    import zxingcpp
    from PIL import Image, ImageDraw

    svg = re.search(r'<div class="qr">(<svg.*?</svg>)</div>', page, re.S).group(1)
    width, height = (int(float(v)) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
    scale = float(re.search(r"scale\(([\d.]+)\)", svg).group(1)) if "scale(" in svg else 1.0
    path = re.search(r'<path class="qrline"[^>]* d="([^"]+)"', svg).group(1)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    for command, number_x, number_y in re.findall(r"([MmHhVv])\s*(-?[\d.]+)(?:[ ,](-?[\d.]+))?", path):
        if command == "M":
            x, y = float(number_x), float(number_y)
        elif command == "m":
            x, y = x + float(number_x), y + float(number_y)
        elif command == "h":
            length = float(number_x)
            draw.rectangle([x * scale, (y - 0.5) * scale, (x + length) * scale - 1, (y + 0.5) * scale - 1], fill=0)
            x += length
    found = zxingcpp.read_barcodes(image.resize((width * 2, height * 2), Image.NEAREST),
                                   formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, "the QR code does not decode"
    return found[0].text


def _verify(app, tmp_path, lines: str):
    path = tmp_path / "minutes-checkpoint.jsonl"
    path.write_text(lines, encoding="utf-8")
    return app.test_cli_runner().invoke(cli, ["audit", "verify", "--checkpoint", str(path)])


def _without_protection(session) -> None:
    for table in ("audit_event", "audit_event_case"):
        if session.get_bind().dialect.name == "sqlite":
            session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_update"))
            session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_delete"))
        else:
            session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_no_update_delete"))


def test_the_checkpoint_of_approved_minutes_verifies_from_its_text_and_its_qr_code(app, world, tmp_path):
    coordinator = _recorded(app, world)
    page = _approve(app, coordinator, world)
    line = _checkpoint_line(page)
    assert _qr_text(page) == line
    assert "\n" not in line and line.startswith('{"format":"council-audit-checkpoint/1"')
    printed = coordinator.get(f"{_minutes(world)}/print").get_data(as_text=True)
    assert _checkpoint_line(printed) == line and _qr_text(printed) == line
    result = _verify(app, tmp_path, f"{line}\n")
    assert result.exit_code == 0, result.output
    assert f"event {fresh(app, Meeting, world.meeting.id).checkpoint_seq}" in result.output
    # Several minutes' lines in one file (audit-checkpoints.jsonl) are each checked.
    assert _verify(app, tmp_path, f"{line}\n\n{line}\n").output.count("is present") == 2


@pytest.mark.parametrize("afterwards", ["cut", "rewritten"])
def test_a_log_cut_or_rewritten_after_approval_fails_the_minutes_checkpoint(app, world, tmp_path, afterwards):
    coordinator = _recorded(app, world)
    line = _checkpoint_line(_approve(app, coordinator, world))
    seq = fresh(app, Meeting, world.meeting.id).checkpoint_seq
    with app.app_context():
        _without_protection(db.session)
        db.session.execute(text("DELETE FROM audit_event_case WHERE event_seq >= :s"), {"s": seq})
        db.session.execute(text("DELETE FROM audit_event WHERE seq >= :s"), {"s": seq})
        db.session.commit()
        if afterwards == "rewritten":  # a chain that is whole again, with other events from the approval on
            for _ in range(3):
                record(tag=AuditTag.AUDIT_LOG_VIEWED, reason="rewritten")
            db.session.commit()
    result = _verify(app, tmp_path, line)
    assert result.exit_code == 1 and f"Audit chain broken at sequence {seq}" in result.output, result.output


def test_a_forged_line_is_refused(app, world, tmp_path):
    coordinator = _recorded(app, world)
    line = _checkpoint_line(_approve(app, coordinator, world))
    forged = re.sub(r'"hash":"[0-9a-f]+"', '"hash":"' + "0" * 64 + '"', line)
    result = _verify(app, tmp_path, forged)
    assert result.exit_code == 1 and "signature is not valid" in result.output


def test_participants_read_the_cases_parts_inside_their_window_only(app, world):
    _approve(app, _recorded(app, world), world)
    member, partner = client_of(app, world.users["member"]), client_of(app, world.users["partner"])
    for client in (member, partner):
        page = client.get(_minutes(world)).get_data(as_text=True)
        assert PLAN in page and 'data-testid="checkpoint-line"' in page
        assert SUBJECT not in page


def _recorded_with_only_the_member_attending(app, world):
    coordinator = client_of(app, world.users["coordinator"])
    meeting = fresh_meeting(app, world)
    member_id = world.users["member"].id
    attended = {f"attended-{p.id}": "yes" if p.user_id == member_id else "" for p in meeting.participants}
    assert coordinator.post(f"/meetings/{meeting.id}/record",
                            data={"version": str(meeting.version), **attended}).status_code == 302
    # No task: an institution given one keeps the minutes too (test_tasks_institution).
    assert coordinator.post(item_path(world), data=decisions(world, **NO_TASKS)).status_code == 302
    return coordinator


def test_after_the_window_the_council_and_the_attendees_keep_the_approved_parts_and_nothing_more(app, world):
    """A council keeps its minutes: the coordinator institution and whoever attended read the approved case parts
    after the material window (a ``minutes`` grant per keeper and case, no expiry); an invited institution that did
    not attend reads the general part only. The kept copy opens no brief and no case page."""
    _approve(app, _recorded_with_only_the_member_attending(app, world), world)
    with app.app_context():
        kept = {(g.user_id, g.institution_id) for g in db.session.scalars(select(CaseGrant).where(
            CaseGrant.basis == f"meeting:{world.meeting.id}", CaseGrant.scope == "minutes"))}
    assert kept == {(None, world.institutions["coordination"]), (world.users["member"].id, None)}
    after_window = world.meeting.ends_at + dt.timedelta(hours=24, seconds=1)
    with clock.moved_to(after_window):
        for who in ("coordinator", "member"):
            client = client_of(app, world.users[who])
            page = client.get(_minutes(world)).get_data(as_text=True)
            assert PLAN in page and "you do not reach this case for this meeting" not in page, who
            assert PLAN in client.get(f"{_minutes(world)}/print").get_data(as_text=True), who
        member = client_of(app, world.users["member"])
        assert member.get(f"/meetings/{world.meeting.id}/cases/{world.case.id}/brief").status_code == 404
        assert member.get(f"/cases/{world.case.id}").status_code == 404
        page = client_of(app, world.users["partner"]).get(_minutes(world)).get_data(as_text=True)
        assert PLAN not in page and "you do not reach this case for this meeting" in page
        assert 'data-testid="checkpoint-line"' in page  # the general part and the checkpoint stay


@pytest.mark.parametrize("who", ["houkatsu worker", "other council", "lead"])
def test_the_minutes_are_not_found_for_who_takes_no_part(app, world, who):
    _recorded(app, world)
    client = client_of(app, world.users[who])
    for path in (_minutes(world), f"{_minutes(world)}/print"):
        assert client.get(path).status_code in (403, 404), path


def test_printing_the_minutes_is_audited_and_watermarked(app, world):
    coordinator = _recorded(app, world)
    member = client_of(app, world.users["member"])
    page = member.get(f"{_minutes(world)}/print").get_data(as_text=True)
    assert PLAN in page and 'data-testid="watermark"' in page and "地域包括" in page
    assert "Draft: these minutes are not approved yet." in page
    with app.app_context():
        printed = db.session.scalar(select(AuditEvent).where(AuditEvent.tag == AuditTag.MINUTES_PRINTED))
        cases = list(db.session.scalars(select(AuditEventCase.case_id).where(AuditEventCase.event_seq == printed.seq)))
    assert printed.actor_user_id == world.users["member"].id and cases == [world.case.id]
    assert coordinator.get(_minutes(world)).status_code == 200


def test_the_service_refuses_to_record_on_a_cancelled_meeting(app, world):
    with app.test_request_context():
        meeting = db_get(app, Meeting, world.meeting.id)
        meeting.state = "cancelled"
        db.session.commit()
        with pytest.raises(CaseError):
            services.record_attendance(actor=db_get(app, User, world.users["coordinator"].id), meeting=meeting,
                                       attended={}, version=meeting.version)



def test_the_auditor_verifies_the_chain_with_lines_pasted_from_minutes(app, world, make_user, make_institution):
    coordinator = _recorded(app, world)
    line = _checkpoint_line(_approve(app, coordinator, world))
    auditor = client_of(app, make_user("auditor", institution=make_institution("監査室")))
    assert 'id="checkpoint-form"' in auditor.get("/audit/checkpoints").get_data(as_text=True)
    page = auditor.post("/audit/verify", data={"checkpoints": f"{line}\n"}, follow_redirects=True).get_data(
        as_text=True)
    assert "status-ok" in page and 'data-testid="checkpoint-ok"' in page
    forged = re.sub(r'"seq":\d+', '"seq":1', line)
    refused = auditor.post("/audit/verify", data={"checkpoints": f"{forged}\nnot a line"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'data-testid="checkpoint-ok"' not in page and "Line 2" in page
    page = auditor.post("/audit/verify", data={"checkpoints": forged}, follow_redirects=True).get_data(as_text=True)
    assert 'data-testid="checkpoint-bad"' in page and "signature is not valid" in page
    seq = fresh(app, Meeting, world.meeting.id).checkpoint_seq
    with app.app_context():
        _without_protection(db.session)
        db.session.execute(text("DELETE FROM audit_event_case WHERE event_seq >= :s"), {"s": seq})
        db.session.execute(text("DELETE FROM audit_event WHERE seq >= :s"), {"s": seq})
        db.session.commit()
    page = auditor.post("/audit/verify", data={"checkpoints": line}, follow_redirects=True).get_data(as_text=True)
    assert 'data-testid="checkpoint-bad"' in page and f"first bad event {seq}" in page


def test_the_coordinators_ledger_keeps_its_own_basis_after_the_minutes_are_kept(app, world):
    """The coordinator institution keeps the approved minutes (a ``minutes`` grant): its ledger reads are still
    recorded on the ledger's basis, not on the kept copy's (the auditor reads why the coordinator looked)."""
    _approve(app, _recorded(app, world), world)
    client_of(app, world.users["coordinator"]).get("/cases/ledger")
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(
            AuditEvent.tag == AuditTag.CASE_LISTED, AuditEvent.actor_user_id == world.users["coordinator"].id)
            .order_by(AuditEvent.seq.desc())).first()
    assert event.basis == "coordinator_ledger"



def test_minutes_sent_with_a_part_of_another_meeting_are_refused_on_the_record(app, world):
    """The page sends this meeting's parts only; the service refuses any other (another meeting's item, a made-up
    id) with a 404 the auditor reads, like every refused meeting route."""
    _recorded(app, world)
    with app.test_request_context():
        actor, meeting = db_get(app, User, world.users["coordinator"].id), db.session.get(Meeting, world.meeting.id)
        with pytest.raises(NotFound):
            services.save_minutes(actor=actor, meeting=meeting, summary=SUMMARY, parts={999999: "x"},
                                  version=meeting.version)
        refused = db.session.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.MEETING_ACCESS_DENIED)).all()
        assert [(e.target_type, e.target_id, e.reason) for e in refused] == [
            ("meeting", str(world.meeting.id), "meeting:minutes:manage")]


def test_attendees_read_the_kept_part_for_the_kept_days_the_council_for_good(app, world):
    """The attendees' copies on screen last MINUTES_KEPT_DAYS after approval (each institution files its print);
    the coordinator institution keeps the council's minutes with no end."""
    _approve(app, _recorded_with_only_the_member_attending(app, world), world)
    with app.app_context():
        kept = {(g.user_id, g.institution_id): g.expires_at for g in db.session.scalars(select(CaseGrant).where(
            CaseGrant.basis == f"meeting:{world.meeting.id}", CaseGrant.scope == "minutes"))}
        days = app.config["MINUTES_KEPT_DAYS"]
    assert kept[(None, world.institutions["coordination"])] is None
    member_until = kept[(world.users["member"].id, None)]
    assert member_until is not None
    assert abs(member_until.replace(tzinfo=dt.UTC) - clock.utcnow() - dt.timedelta(days=days)) < dt.timedelta(hours=1)
    with clock.moved_to(clock.utcnow() + dt.timedelta(days=days, hours=2)):
        member = client_of(app, world.users["member"]).get(_minutes(world)).get_data(as_text=True)
        assert PLAN not in member and "you do not reach this case for this meeting" in member
        assert PLAN in client_of(app, world.users["coordinator"]).get(_minutes(world)).get_data(as_text=True)
