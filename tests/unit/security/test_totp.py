import pyotp

from council.security import totp

SECRET = pyotp.random_base32(32)
NOW = 1_800_000_000.0


def code_at(offset_steps: int) -> str:
    return pyotp.TOTP(SECRET).at(NOW + offset_steps * 30)


def test_current_code_accepted_and_returns_its_step():
    assert totp.verify(SECRET, code_at(0), last_step=None, now=NOW) == int(NOW // 30)


def test_neighbouring_steps_accepted_for_clock_drift():
    assert totp.verify(SECRET, code_at(-1), last_step=None, now=NOW) is not None
    assert totp.verify(SECRET, code_at(1), last_step=None, now=NOW) is not None


def test_old_code_refused():
    assert totp.verify(SECRET, code_at(-3), last_step=None, now=NOW) is None


def test_replayed_code_refused():
    step = totp.verify(SECRET, code_at(0), last_step=None, now=NOW)
    assert totp.verify(SECRET, code_at(0), last_step=step, now=NOW + 5) is None
    # and an earlier step's code after a later one was used
    assert totp.verify(SECRET, code_at(-1), last_step=step, now=NOW) is None


def test_spaces_and_garbage_in_code():
    spaced = code_at(0)[:3] + " " + code_at(0)[3:]
    assert totp.verify(SECRET, spaced, last_step=None, now=NOW) is not None
    assert totp.verify(SECRET, "12345", last_step=None, now=NOW) is None
    assert totp.verify(SECRET, "abcdef", last_step=None, now=NOW) is None


def test_recovery_codes_are_distinct_and_hash_ignores_formatting():
    codes = totp.new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    code = codes[0]
    assert totp.hash_recovery_code(code) == totp.hash_recovery_code(code.upper().replace("-", " "))
    assert totp.hash_recovery_code(code) != totp.hash_recovery_code(codes[1])


def test_qr_is_inline_svg_without_external_references():
    svg = totp.qr_svg(totp.provisioning_uri(SECRET, account="yamada", issuer="council"))
    assert svg.startswith("<svg") and "<path" in svg
    assert "href" not in svg and "http" not in svg


def test_qr_scales_as_a_whole_for_a_long_account_name():
    """Without a viewBox, CSS drawing the SVG smaller than its width cut off the quiet zone (issue 8)."""
    svg = totp.qr_svg(totp.provisioning_uri(SECRET, account="a-rather-long-name-x", issuer="council"))
    size = int(svg.split('width="', 1)[1].split('"', 1)[0])
    assert f'viewBox="0 0 {size} {size}"' in svg and f'height="{size}"' in svg
