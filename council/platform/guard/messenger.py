"""A person's ID on LINE or another messenger (LINE ID：hana-mama0731, カカオトーク：minji0925, Telegram：@tsubasa).

A messenger ID reaches one person as surely as a phone number. The detector looks for the name of a messenger
app, then, within the same sentence and a few words, something shaped like an ID: letters with digits, dots,
underscores or hyphens, or any handle after "ID"/ユーザー名 or an @. An organisation's official account
(LINE公式アカウント, 公式LINE) passes. On public social networks (Instagram, X, Facebook) an @handle is usually an
organisation's public account; there only a handle offered for private messages (DM, 個人アカ, 友だち追加) is
refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from council.platform.guard.findings import Finding
from council.platform.guard.normalise import View

DETECTOR = "messenger"

_MESSENGERS = (r"(?<![A-Za-z])(?:LINE|Line)(?![a-z])|(?<![ァ-ヺー])ライン(?![ァ-ヺー])|らいん"
               r"|カカオトーク|カカオ|KakaoTalk|Kakao|Telegram|テレグラム|Discord|ディスコード"
               r"|WeChat|ウィーチャット|微信|Skype|スカイプ|Signal|WhatsApp|Viber|Messenger|メッセンジャー")
_SOCIAL = (r"(?<![A-Za-z])(?:Instagram|インスタグラム|インスタ(?!ント)|Facebook|フェイスブック|Twitter|ツイッター"
           r"|TikTok|Threads|X)")
_ID = r"@?[A-Za-z0-9][A-Za-z0-9._\-]{1,30}[A-Za-z0-9]"
_NAMED_ID = re.compile(rf"(?:ID|ユーザー名|ユーザーネーム|アカウント名)\s*(?:は|:|=)?\s*[「『\"]?\s*({_ID})")
_HANDLE = re.compile(rf"(?<![A-Za-z0-9.])({_ID})")
_APP = re.compile(rf"(?:{_MESSENGERS})|(?P<social>{_SOCIAL})(?![A-Za-z])")
#: How far after the app's name an ID may stand: in the same sentence, or, named as an ID, in the next.
_REACH = 24
_NAMED_REACH = 40
_OFFICIAL = re.compile(r"公式")
_PRIVATE = re.compile(r"DM|ダイレクトメッセージ|個人|私の|わたしの|プライベート|友だち追加|友達追加|フレンド")


def detect(text: str, view: View) -> Iterator[Finding]:
    """IDs offered for a messenger app."""
    for app in _APP.finditer(view.text):
        end = _sentence_end(view.text, app.end())
        context = view.text[max(0, app.start() - 6):min(end, app.end() + _REACH)]
        if _OFFICIAL.search(context):
            continue
        if app.group("social") and not _PRIVATE.search(context):
            continue
        found = _id_in(view.text, app.end(), min(end, app.end() + _REACH),
                       min(len(view.text), app.end() + _NAMED_REACH))
        if found is not None:
            yield Finding("messenger_id", *view.span(*found), DETECTOR)


def _id_in(text: str, start: int, end: int, named_end: int) -> tuple[int, int] | None:
    named = _NAMED_ID.search(text, start, named_end)
    if named:
        return named.start(1), named.end(1)
    for handle in _HANDLE.finditer(text, start, end):
        value = handle.group(1)
        if value.startswith("@") or (re.search(r"[A-Za-z]", value) and re.search(r"[0-9._\-]", value)):
            return handle.start(1), handle.end(1)
    return None


def _sentence_end(text: str, position: int) -> int:
    match = re.compile(r"[。!?！？\n]").search(text, position)
    return match.start() if match else len(text)
