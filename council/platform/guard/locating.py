"""Narratives that point at a person without naming them: 「例の3丁目のアパートの2階の方」, 「神社の隣の角のお宅」,
「図書館2階の新聞コーナーに毎日いる年配の男性」, followed by what is wrong (家賃を滞納, 姿を見かけません).

Neighbours recognise such a person at once, so the post discloses as much as a name would. What makes one:
a person word (方, 人, おばあちゃん, 男性, 小学生, お宅, ご家族…) closing a phrase that places them — at least
two locating details (a building or room: アパート, 団地, 5号棟, 302号室, 2階, 部屋, 屋根の家; a position: 裏,
隣, 向かい, 角, 奥, 沿い, 3軒目; a habit: いつも, 毎日, 住んでいる, 座っている), or one after 例の/あの — and then,
in that sentence or the next, something about that person's life (a concern, a health or family matter,
what happened). Two details after 例の/あの point at someone on their own. Directions to a venue
("郵便局の向かいの集会所で") place no person and pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from council.platform.guard import narrative
from council.platform.guard.findings import Finding
from council.platform.guard.normalise import View

DETECTOR = "locating"

_PERSON = re.compile(
    r"(?:方|人|おじいさん|おばあさん|おじいちゃん|おばあちゃん|お年寄り|男性|女性|男の子|女の子|子|小学生|中学生|高校生"
    r"|ご家族|家族|お宅|ご夫婦|夫婦|世帯|住人|若者|青年)(?=[、。,がはもの」』)]|\s|$)"
)
_LOCATING = re.compile(
    r"アパート|マンション|団地|(?:市営|県営|公営|都営)住宅|[0-9一二三四五六七八九十]+(?:丁目|号棟|号室|軒目|階)|[A-Z]棟|部屋|角部屋"
    r"|平屋|一軒家|屋根の家|の家|裏手?|隣|向かい|角|奥|沿い|前の|手前|突き当たり"
    r"|いつも|毎日|毎回|毎朝|毎晩|住んで|座って|(?:に|で)いる|来る"
)
_POINTING = re.compile(r"例の|あの(?!ー)|いつもの")
#: What is said about the person: a concern or an observation.
_CONCERN = re.compile(
    r"見かけ|姿を見|姿が見|心配|気にな|断って|滞納|様子|返事|救急車|大声|あざ|行っていない|行ってない|困って|閉め"
    r"|いないよう|ないようです|ないみたい|そうです|とのこと|聞きました|らしい"
)
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?\n]?")


def detect(text: str, view: View) -> Iterator[Finding]:
    """A person placed by two details (or pointed at), then described."""
    sentences = [(match.start(), match.end()) for match in _SENTENCE.finditer(view.text)]
    for index, (start, end) in enumerate(sentences):
        for person in _PERSON.finditer(view.text, start, end):
            placing = view.text[start:person.start()]
            details = {match.group() for match in _LOCATING.finditer(placing)}
            if len(details) < 2 and not (details and _POINTING.search(placing)):
                continue
            rest_end = sentences[min(index + 2, len(sentences)) - 1][1]
            rest = view.text[person.end():rest_end]
            pointed = len(details) >= 2 and _POINTING.search(placing)  # 例の3丁目のアパートの2階の方: enough alone
            if pointed or _CONCERN.search(rest) or narrative.areas(rest) - {"events", "age"}:
                yield Finding("narrative", *view.span(start, rest_end), DETECTOR)
                break
