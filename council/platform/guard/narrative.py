"""Case-like narratives: text about one specific supported person (相談者は70代男性で妻を亡くし…).

Platform posts talk about people all the time, in general: "高齢の方や子育て中の方も参加できます",
"ひきこもりのご家族の相談を受け付けます". What makes a narrative is a *particular* person — a subject
(相談者, 当事者, Aさん, 70代男性) — described by facts from several areas of life (family, health,
circumstances, age) in the same few sentences, in the language of what happened rather than of whom
an event is for. So a finding needs a person reference and at least two areas, and it is not raised
for sentences that address or invite a group.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from council.platform.guard.findings import Finding
from council.platform.guard.normalise import View

DETECTOR = "narrative"

#: A year of birth, in digits or kanji numerals (not a decade: 昭和三十年代生まれの方 is an audience).
_YEAR = (r"(?:(?:明治|大正|昭和|平成|令和)(?:[0-9]{1,2}|元|[一二三四五六七八九十]{1,3})|(?:19|20)[0-9]{2}"
         r"|一九[〇一二三四五六七八九]{2}|二〇[〇一二三四五六七八九]{2})")
BIRTH_YEAR = rf"(?:{_YEAR}年生まれ|生まれは\s*{_YEAR}年)"
#: A particular person: a role word, an initial, an age with a person noun, a school year, a household.
_PERSON_NOUN = (r"(?:男性|女性|男の子|女の子|男児|女児|男子|女子|子|方|ご?夫婦|母子|父子|世帯"
                r"|姉妹|兄弟|小学生|中学生|高校生|シングルマザー|シングルファーザー|母親|父親|息子|娘|夫|妻|高齢者|外国籍|当事者)")
_PERSON = re.compile(
    r"(?:相談者|当事者|利用者|対象者|ご?本人(?!の(?:同意|責任|意思|意向|了承|希望))|要支援者|被支援者|支援中の世帯|このケース|当該(?:者|世帯)"
    r"|(?<![A-Za-z])[A-Z](?:さん|氏|様)|常連の(?:男性|女性|方)|訪問先|避難してきた|避難中の"
    r"|(?<![0-9])[0-9]{1,3}(?:歳|才|代)(?:前半|後半|半ば)?の?[^。、\n]{0,8}?" + _PERSON_NOUN +
    r"|(?:小学|中学|高校)?[0-9１-９]年の?" + _PERSON_NOUN + r"|中[1-3１-３]の"
    r"|(?:一人暮らし|独居|単身)の?(?:高齢)?(?:[0-9]{1,3}代の?)?(?:男性|女性|方)"
    # A birth year is a particular person: 昭和二十六年生まれの父, 一九五二年生まれの女性
    r"|さん\s*\(\s*[0-9]{1,3}\s*(?:歳|才)"  # 山本さん（82歳）
    r"|" + BIRTH_YEAR + ")"
)

#: Areas of a life a case record describes. Two different areas near a person make a narrative.
_AREAS = {
    "age": r"(?<![0-9])[0-9]{1,3}(?:歳|才|代)(?!以上|以下|未満|から|まで|〜|~|向け|の方)|高齢の?(?:男性|女性)|"
    + BIRTH_YEAR,
    "family": r"妻|夫(?!婦)|息子|娘|長男|長女|次男|次女|母親|父親|母(?!子)|父(?!子)|お母さん|お父さん"
    r"|ご主人|祖母|祖父|孫|兄|姉|弟|妹|配偶者|同居|別居|離婚|死別|親族|疎遠|身寄り|母子家庭|父子家庭|ひとり親|シングルマザー|ご夫婦|家族に|姉妹|二人暮らし",
    "health": r"認知症|うつ病|鬱|統合失調|精神疾患|精神科|障害|障がい|疾患|持病|入院|退院|通院|服薬|がん|依存症?"
    r"|診断|要介護|要支援[0-9]|自殺|希死念慮|自傷|リストカット|過量服薬|アルコール|体調を崩|物忘れ|介護疲れ|食欲|耳が遠|目が見えな|足が悪|寝たきり|車いす生活",
    "circumstance": r"亡くし|亡くな|先立たれ|死去|失業|失職|離職|退職|休職|解雇|借金|債務|滞納|生活保護|困窮"
    r"|ひきこもっ|引きこもっ|ひきこもり状態|引きこもり状態|不登校|登校できて|虐待|暴力|DV|一人暮らし|独居|孤独死|ごみ屋敷|ゴミ屋敷|未払|差し押さえ"
    r"|ホームレス|路上生活|ネットカフェ|家賃|電気|ガス|水道が止|食事がとれ|介護して|介護と|世話で|避難|(?<!孤独・)孤立(?!対策)|夜勤"
    r"|一人で(?:食べ|過ごし)|誰とも話|泣い|ヤングケアラー|カミングアウト|受給中",
    "events": r"(?:した|していた|している|しており|してい(?:る|た)|になった|とのこと|と話し|と訴え|と語|だった|であった"
    r"|年前|か月前|ヶ月前|カ月前|先月|先週|昨年|去年|以来|から連絡|から相談|そうです|ました|ていません|(?:て|で)いる(?:ため|ので|よう|らしい))",
}
_AREA_PATTERNS = {name: re.compile(pattern) for name, pattern in _AREAS.items()}

#: Sentences about many people at once: statistics and audiences, not records.
_AGGREGATE = re.compile(
    r"どなたでも|お気軽|参加できます|募集|歓迎|受け付けて|受付中|参加費|定員|対象と|向けの|方々|皆さん|みなさん|皆様"
    r"|(?<!が)多く|(?:方|人|者|件数?|世帯)が増え|増加|傾向|割合|件数|[0-9]+%|[0-9]+件|(?<!子ども)(?<!子供)[0-9]+人(?!で)|のための|方へ"
)
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?\n]?")
#: How many sentences after the one naming the person still describe that person.
_WINDOW = 3


def detect(text: str, view: View) -> Iterator[Finding]:
    """Windows of up to three sentences, from one naming a particular person, that describe two areas of life."""
    sentences = [(match.start(), match.end()) for match in _SENTENCE.finditer(view.text)]
    for index, (start, end) in enumerate(sentences):
        person = _PERSON.search(view.text, start, end)
        if person is None:
            continue
        window_end = sentences[min(index + _WINDOW, len(sentences)) - 1][1]
        window = view.text[start:window_end]  # from the sentence start: "父親からのDVで避難中の母子"
        if _is_narrative(window):
            yield Finding("narrative", *view.span(start, window_end), DETECTOR)


def areas(window: str) -> set[str]:
    """Which areas of a life ``window`` describes."""
    return {name for name, pattern in _AREA_PATTERNS.items() if pattern.search(window)}


def _is_narrative(window: str) -> bool:
    if _AGGREGATE.search(window):
        return False
    found = areas(window)
    return len(found - {"events"}) >= 2 or (len(found) >= 2 and "events" in found)
