"""Dates of birth (西暦 and 和暦) and ages that describe a person ("85歳の母", "80代の女性").

Event dates ("令和7年4月12日(土)に開催") and eligibility ranges ("65歳以上の方") pass: only a date tied to
birth (生まれ, 生, 生年月日) or an age tied to a person (sex, family role, 相談者…) is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from council.platform.guard.findings import Finding
from council.platform.guard.normalise import View

DETECTOR = "birth_date"

_ERA = r"(?:明治|大正|昭和|平成|令和|[MTSHR]\.?|[MTSHR](?=[0-9]))"
#: Years in digits or kanji numerals: 昭和45, 昭和四十五, 平成元, 1952, 一九五二, 二〇一五.
_KANJI_YEAR = r"[一二三四五六七八九十]{1,3}"
_YEAR = (rf"(?:(?:{_ERA})\s*(?:[0-9]{{1,2}}|元|{_KANJI_YEAR})|(?:19|20)[0-9]{{2}}"
         r"|一九[〇一二三四五六七八九]{2}|二〇[〇一二三四五六七八九]{2})")
_SEP = r"[./\-年]"
#: 昭和45年3月2日, S45.3.2, 1970/3/2, 平成元年, 1970年
_DATE = rf"{_YEAR}\s*(?:年|{_SEP})?\s*(?:[0-9]{{1,2}}\s*(?:月|{_SEP})\s*(?:[0-9]{{1,2}}\s*日?)?)?"
_PERSON = (
    r"(?:男性|女性|男児|女児|男子|女子|男の子|女の子|男|女|"
    r"母親?|父親?|祖母|祖父|夫|妻|息子|娘|長男|長女|次男|次女|三男|三女|兄|姉|弟|妹|孫|"
    r"相談者|当事者|利用者|対象者|本人|ご本人|世帯主|単身|独居|一人暮らし|ひとり暮らし)"
)

_BIRTH_PATTERNS = (
    # 昭和45年3月2日生まれ, S45.3.2生, 1950年生まれ, 19870309生
    re.compile(rf"(?:{_DATE}|(?:19|20)[0-9]{{6}})\s*(?:生まれ|生(?![活産徒涯協命])|うまれ)"),
    # 生年月日: 昭和45年3月2日 / 生まれ年：1949年 / 誕生日は5月7日
    re.compile(rf"(?:生年月日|誕生日|生まれ年|生年|生まれ)\s*[:：はが]?\s*(?:{_DATE}|[0-9]{{1,2}}\s*月\s*[0-9]{{1,2}}\s*日)"),
    # 相談者(85), 母（85歳）, 山本さん（82歳）, 米寿（88歳）
    re.compile(rf"(?:{_PERSON}|さん|様|氏|くん|ちゃん|方|米寿|喜寿|傘寿|卒寿|白寿|古希|古稀)\s*\(\s*[0-9]{{1,3}}\s*(?:歳|才)?"
               r"\s*[)・、,]"),
    # 相談者（女性・67歳）
    re.compile(r"\(\s*(?:男性|女性|男|女)\s*[・、,]\s*[0-9]{1,3}\s*(?:歳|才)"),
    # 満92歳, 今年80歳になる, 76歳・女性, 85歳の方が
    re.compile(r"満\s*[0-9]{1,3}\s*(?:歳|才)|[0-9]{1,3}\s*(?:歳|才)\s*(?:になる|になった|を迎え|の誕生日)"),
    re.compile(rf"(?<![0-9])[0-9]{{1,3}}\s*(?:歳|才)\s*[のでと、・,]?\s*(?:{_PERSON}|方(?:が|は|に|から|を|で)|ご利用者)"),
)
#: Age bands (80代の女性) describe a person unless they are one of a list or range (10代・20代の女性のための…).
_AGE_BAND = re.compile(rf"(?<![0-9])[0-9]{{1,2}}0\s*(?:歳代|代)(?:前半|後半|半ば)?\s*[のでと、・,]?\s*{_PERSON}")
_BAND_LIST = re.compile(r"[0-9]0\s*(?:歳代|代)\s*[・〜~、,\-－]\s*$")
_BAND_AUDIENCE = re.compile(r"^(?:の?ための|向け|を対象|が対象|からの相談|の相談|が増|が多)")


def detect(text: str, view: View) -> Iterator[Finding]:
    """Birth dates and person-describing ages."""
    for pattern in _BIRTH_PATTERNS:
        for match in pattern.finditer(view.text):
            yield Finding("birth_date", *view.span(match.start(), match.end()), DETECTOR)
    for match in _AGE_BAND.finditer(view.text):
        before, after = view.text[max(0, match.start() - 8):match.start()], view.text[match.end():]
        if _BAND_LIST.search(before) or _BAND_AUDIENCE.match(after):
            continue
        yield Finding("birth_date", *view.span(match.start(), match.end()), DETECTOR)
