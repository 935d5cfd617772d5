"""The authenticator QR code decodes as Chromium draws it, on both sides' setup pages (issue 8).

segno's SVG had a width and height but no viewBox, and the page's CSS drew it smaller than that: the right and
bottom quiet zone and a column of modules were cut off for any username of 7 characters or more, and strict
decoders (phones' cameras among them) failed. These tests screenshot the element, decode it with zxing-cpp and
compare the secret with the key the page shows beside it.
"""

from __future__ import annotations

import io
import uuid
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

#: Twenty characters: well past the seven at which the old drawing lost modules.
LONG_NAME_LENGTH = 20


def _decode(page) -> str:
    """The text of the one QR code on ``page``, read from a screenshot of the element as drawn.

    The symbol must also sit in the middle of what is drawn: the quiet zone (the white border scanners need)
    as wide on the right and at the bottom as on the left and at the top, which the cropped drawing was not.
    """
    import zxingcpp
    from PIL import Image

    code = page.locator(".qr svg")
    code.scroll_into_view_if_needed()
    image = Image.open(io.BytesIO(code.screenshot()))
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, "the QR code as drawn does not decode"
    corners = found[0].position
    xs = [corners.top_left.x, corners.top_right.x, corners.bottom_left.x, corners.bottom_right.x]
    ys = [corners.top_left.y, corners.top_right.y, corners.bottom_left.y, corners.bottom_right.y]
    left, right = min(xs), image.width - 1 - max(xs)
    top, bottom = min(ys), image.height - 1 - max(ys)
    assert left > 0 and top > 0 and abs(left - right) <= 3 and abs(top - bottom) <= 3, (left, right, top, bottom)
    return found[0].text


def _assert_enrols(page, username: str) -> None:
    shown = page.inner_text("[data-testid=totp-secret]").strip()
    uri = urlsplit(_decode(page))
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    assert parse_qs(uri.query)["secret"] == [shown]
    assert unquote(uri.path).endswith(username)
    box = page.locator(".qr svg").bounding_box()
    assert abs(box["width"] - box["height"]) < 1  # drawn square, not cropped on one side


def _council_account(server) -> tuple[str, str]:
    """A council account with a 20-character username; returns (username, setup-link token)."""
    from council.auth import admin, services

    suffix = uuid.uuid4().hex
    username = f"qr-{suffix}"[:LONG_NAME_LENGTH]
    with server.council_app.app_context():
        council = services.create_council(f"QR試験協議会-{suffix[:8]}")
        institution = admin.create_institution(actor=None, council=council, name="QR試験機関", kind="npo",
                                               is_coordinator=False)
        _user, token = admin.create_user(actor=None, institution=institution, username=username,
                                         display_name="試験 一郎", role="caseworker")
    return username, token


def test_council_setup_qr_decodes_for_a_long_username(page, live_server, shoot):
    username, token = _council_account(live_server)
    assert len(username) == LONG_NAME_LENGTH
    page.goto(f"/setup/{token}")
    shoot(page, "qr-council-setup")
    _assert_enrols(page, username)


def test_council_setup_qr_decodes_on_a_narrow_screen(page, live_server):
    """On a phone-sized window the code is drawn smaller: it must shrink as a whole, not be cut."""
    username, token = _council_account(live_server)
    page.set_viewport_size({"width": 240, "height": 800})
    page.goto(f"/setup/{token}")
    assert page.locator(".qr svg").bounding_box()["width"] < 240
    _assert_enrols(page, username)


def test_platform_setup_qr_decodes_for_a_long_username(page, live_server, shoot):
    from council.platform.accounts import create_admin

    username = ("pf-qr-" + uuid.uuid4().hex)[:LONG_NAME_LENGTH]
    with live_server.platform_app.app_context():
        _admin, token = create_admin(username=username, display_name="QR 試験")
    page.goto(f"/platform/setup/{token}")
    shoot(page, "qr-platform-setup")
    _assert_enrols(page, username)
