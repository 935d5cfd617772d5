"""iCalendar (RFC 5545) for the places' dates: text escaping, line folding and UTC times done by the RFC."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from council.platform.places.models import PlaceSession


def escape(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11)."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Lines longer than 75 octets are folded (§3.1), never inside a UTF-8 sequence."""
    out, current = [], b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def _stamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(sessions: Iterable[PlaceSession], *, name: str, host: str, url_for_place, now: dt.datetime) -> str:
    """The VCALENDAR text of ``sessions``; ``url_for_place(place)`` gives each event's URL."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//council//platform places//JA", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape(name)}", "X-WR-TIMEZONE:Asia/Tokyo"]
    for session in sessions:
        place = session.place
        location = " ".join(part for part in (place.venue, place.area) if part)
        description = "\n".join(part for part in (session.note, place.schedule, place.audience, place.how_to_join,
                                                   place.cost) if part)
        lines += ["BEGIN:VEVENT", f"UID:place-session-{session.id}@{host}", f"DTSTAMP:{_stamp(now)}",
                  f"DTSTART:{_stamp(session.starts_at)}", f"DTEND:{_stamp(session.ends_at)}",
                  f"SUMMARY:{escape(place.name)}", f"LOCATION:{escape(location)}",
                  f"DESCRIPTION:{escape(description)}", f"URL:{url_for_place(place)}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
