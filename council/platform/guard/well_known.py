"""Well-known people: authors, poets and historical figures an ordinary post may name (夏目漱石を読む会).

The guard protects the people a post is about — those supported, met, or helping. A reading circle on 夏目漱石,
a lecture on 坂本龍馬 or a trip to 野口英世記念館 names nobody of that kind, yet the name detectors cannot tell
a famous full name from a neighbour's. This curated list is what they may name: people taught at school or
honoured on banknotes and in public memorials, long dead or universally known as public figures, so naming
them discloses nothing about anyone a member works with. It is deliberately short and conservative —
full names, plus the few pen names and 号 that are unambiguous on their own (漱石, 芭蕉, 一葉). A short name
that is also an ordinary given name (賢治, 龍馬) counts only when the full name appears in the same text.
Name findings that lie inside one of these names (with an honorific or 公/先生 after it) are dropped, and
inside the few things named like a person (佐藤錦, a cherry; 山田錦, a sake rice).
"""

from __future__ import annotations

import re

#: Full names (and names that stand alone as the person: 紫式部, ナイチンゲール).
FULL_NAMES = (
    # Authors and poets
    "夏目漱石", "森鴎外", "森鷗外", "芥川龍之介", "太宰治", "宮沢賢治", "宮澤賢治", "樋口一葉", "与謝野晶子",
    "松尾芭蕉", "小林一茶", "与謝蕪村", "正岡子規", "石川啄木", "金子みすゞ", "金子みすず", "中原中也", "島崎藤村",
    "川端康成", "三島由紀夫", "谷崎潤一郎", "志賀直哉", "坪内逍遥", "二葉亭四迷", "泉鏡花", "永井荷風",
    "北原白秋", "萩原朔太郎", "高村光太郎", "新美南吉", "小泉八雲", "ラフカディオ・ハーン", "紫式部", "清少納言",
    "紀貫之", "在原業平", "小野小町", "鴨長明", "吉田兼好", "兼好法師", "井原西鶴", "近松門左衛門", "滝沢馬琴",
    "曲亭馬琴", "十返舎一九", "江戸川乱歩", "吉川英治", "司馬遼太郎", "松本清張", "井上靖", "遠藤周作",
    "山本周五郎", "壺井栄", "林芙美子", "有島武郎", "武者小路実篤", "徳富蘆花", "国木田独歩", "幸田露伴",
    "尾崎紅葉", "斎藤茂吉", "若山牧水", "種田山頭火", "尾崎放哉", "ドナルド・キーン", "シェイクスピア",
    "トルストイ", "ドストエフスキー", "ゲーテ", "アンデルセン", "グリム兄弟",
    # Historical figures
    "聖徳太子", "卑弥呼", "中大兄皇子", "藤原道長", "平清盛", "源頼朝", "源義経", "北条政子", "足利尊氏",
    "織田信長", "豊臣秀吉", "徳川家康", "徳川吉宗", "武田信玄", "上杉謙信", "伊達政宗", "真田幸村", "明智光秀",
    "上杉鷹山", "二宮金次郎", "二宮尊徳", "伊能忠敬", "杉田玄白", "本居宣長", "葛飾北斎", "歌川広重",
    "坂本龍馬", "西郷隆盛", "大久保利通", "木戸孝允", "勝海舟", "吉田松陰", "高杉晋作", "ジョン万次郎",
    "中浜万次郎", "福沢諭吉", "福澤諭吉", "渋沢栄一", "澁澤榮一", "津田梅子", "北里柴三郎", "野口英世",
    "新渡戸稲造", "伊藤博文", "板垣退助", "大隈重信", "岩倉具視", "杉原千畝", "緒方洪庵", "石井十次",
    "留岡幸助", "糸賀一雄", "牧野富太郎", "湯川秀樹", "手塚治虫", "菊池寛",
    # People known worldwide
    "ナイチンゲール", "ヘレン・ケラー", "マザー・テレサ", "ガンジー", "ガンディー", "キング牧師", "アインシュタイン",
    "ベートーヴェン", "ベートーベン", "モーツァルト", "バッハ", "ゴッホ", "ピカソ", "エジソン", "リンカーン",
    "ナポレオン", "シュバイツァー", "キュリー夫人", "ダーウィン", "ガリレオ",
)

#: Things named after people, or written like a name, that are not a person: cherries, sake rice.
NAMED_THINGS = ("佐藤錦", "山田錦", "紅秀峰")

#: Pen names and 号 that name the famous person on their own.
ALONE = ("漱石", "鴎外", "鷗外", "芭蕉", "一葉", "啄木", "子規", "一茶", "蕪村", "晶子", "八雲", "みすゞ", "家康公",
         "信長公", "秀吉公", "龍馬", "鷹山", "金次郎")

#: Short names that are also ordinary given names: famous only beside the full name (賢治さん … 宮沢賢治).
WITH_FULL_NAME = {"賢治": ("宮沢賢治", "宮澤賢治"), "諭吉": ("福沢諭吉", "福澤諭吉"), "英世": ("野口英世",),
                  "栄一": ("渋沢栄一",), "梅子": ("津田梅子",), "晋作": ("高杉晋作",)}

_ALWAYS = re.compile("|".join(sorted(map(re.escape, FULL_NAMES + ALONE + NAMED_THINGS), key=len, reverse=True)))
#: What may follow the name inside a name finding: an honorific, 公, 先生, 翁.
_AFTER = re.compile(r"\s?(?:さん|様|さま|氏|公|先生|翁|くん|ちゃん)?")


def spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names a well-known person (with a following honorific), as [start, end) pairs."""
    found = [(match.start(), _after(text, match.end())) for match in _ALWAYS.finditer(text)]
    for short, full_names in WITH_FULL_NAME.items():
        if any(full in text for full in full_names):
            found += [(match.start(), _after(text, match.end())) for match in re.finditer(re.escape(short), text)]
    return found


def _after(text: str, end: int) -> int:
    return _AFTER.match(text, end).end()


def covers(found: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does one well-known name span contain ``[start, end)``?"""
    return any(first <= start and end <= last for first, last in found)
