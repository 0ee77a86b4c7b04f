"""Words people say, as the PBX knows them: extension names, spoken numbers, times.

Pure functions with no Home Assistant in them, so every way of saying a name is tested
on its own: "call Bob" finds Bob Smith, "the kitchen phone" finds Kitchen, "one zero zero
four", "10-04" and "一零零四" find 1004. A name two extensions share is never guessed.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
import datetime as dt
import difflib
import re
from typing import Final

from .pbx.objects import ExtensionRecord

_EN_DIGITS: Final = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "nought": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
}
_EN_TENS: Final = {
    "twenty": "2",
    "thirty": "3",
    "forty": "4",
    "fifty": "5",
    "sixty": "6",
    "seventy": "7",
    "eighty": "8",
    "ninety": "9",
}
_ZH_DIGITS: Final = {
    "零": "0",
    "〇": "0",
    "一": "1",
    "幺": "1",
    "二": "2",
    "两": "2",
    "三": "3",
    "四": "4",
    "五": "5",
    "六": "6",
    "七": "7",
    "八": "8",
    "九": "9",
}
# "double four" is 44.
_DOUBLE: Final = "double"
_TOKENS: Final = re.compile(r"[\s\-.,/()]+")
_DIALLABLE: Final = re.compile(r"\+?[0-9*#]+")
_CJK: Final = re.compile(r"[\u3400-\u9fff]")
_TRAILING_PUNCTUATION: Final = " \t?!.,;:。？！，、"
# Words around a name that name no extension: "the kitchen phone", "extension 1004".
_STRIP: Final = (
    re.compile(r"^(?:the|my|our|a|an)\s+"),
    re.compile(r"^(?:extension|ext|number|phone|line|room|station)\s+(?:number\s+)?"),
    re.compile(r"\s+(?:phone|telephone|extension|line|handset|desk phone)$"),
    re.compile(r"(?:'s|’s|s')$"),
    re.compile(r"^(?:分机号?|号码|房间|电话)"),
    re.compile(r"(?:的)?(?:电话|分机|座机|话机|手机)$"),
    re.compile(r"(?<=[0-9零〇一二两三四五六七八九])号?(?:房间|房)$"),
    re.compile(r"的$"),
)
# How close a misheard name must be to one extension's name to be taken for it.
_CLOSE: Final = 0.85


@dataclass(frozen=True, slots=True)
class NameMatch:
    """What a spoken name found: one extension, several, or none.

    ``cleaned`` is the name as said, without the words around it, for "no extension
    called …". ``excluded`` is set when the only match was the one to leave out.
    """

    cleaned: str
    found: tuple[ExtensionRecord, ...] = ()
    excluded: ExtensionRecord | None = None


def spoken_digits(text: str) -> str | None:
    """Digits said in words or groups ("one zero zero four", "10 04", "一零零四")."""
    tokens = [token for token in _TOKENS.split(text.casefold().strip()) if token]
    if not tokens:
        return None
    digits: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if _DIALLABLE.fullmatch(token):
            digits.append(token)
        elif token in _EN_DIGITS:
            digits.append(_EN_DIGITS[token])
        elif token in _EN_TENS:
            following = tokens[index] if index < len(tokens) else ""
            unit = _EN_DIGITS.get(following, "")
            if len(unit) == 1 and unit != "0":
                index += 1
                digits.append(_EN_TENS[token] + unit)
            else:
                digits.append(_EN_TENS[token] + "0")
        elif token == _DOUBLE and index < len(tokens):
            twice = spoken_digits(tokens[index])
            if twice is None or len(twice) != 1:
                return None
            index += 1
            digits.append(twice * 2)
        elif all(char in _ZH_DIGITS or char.isdigit() for char in token):
            digits.append("".join(_ZH_DIGITS.get(char, char) for char in token))
        else:
            return None
    return "".join(digits)


def dial_string(text: str) -> str | None:
    """The digits to dial for a spoken or typed number, or None if it is not one."""
    digits = spoken_digits(text)
    return digits if digits and _DIALLABLE.fullmatch(digits) else None


def _fold(text: str) -> str:
    """A name as compared: case and spaces ignored ("Front  Desk" = "frontdesk")."""
    return "".join(text.split()).casefold()


def _variants(spoken: str) -> list[str]:
    """The name as said, then without the words around it, one step at a time."""
    text = spoken.strip().strip(_TRAILING_PUNCTUATION).casefold()
    text = " ".join(text.split())
    variants = [text]
    changed = True
    while changed:
        changed = False
        for pattern in _STRIP:
            stripped = pattern.sub("", text).strip()
            if stripped and stripped != text:
                text = stripped
                variants.append(text)
                changed = True
    return variants


def _partial(name: str, wanted: str) -> bool:
    """Whether ``wanted`` is a part of ``name`` people use alone ("Bob" of Bob Smith)."""
    if _CJK.search(wanted):
        return len(wanted) >= 2 and _fold(wanted) in _fold(name)
    words, parts = name.casefold().split(), wanted.split()
    return any(
        words[start : start + len(parts)] == parts
        for start in range(len(words) - len(parts) + 1)
    )


def _named(records: Iterable[ExtensionRecord]) -> list[ExtensionRecord]:
    return [record for record in records if record.name]


def match_extension(
    extensions: Mapping[str, ExtensionRecord],
    spoken: str,
    *,
    exclude: str | None = None,
) -> NameMatch:
    """Find the extension a person means by ``spoken``; leave out ``exclude``.

    In order, the first step that finds anything wins: the number (said in any way),
    the whole name (case and spaces ignored), a part of a name (a first name, a
    surname), then one name close to what was heard. Each step tries the words as said
    and then without "the", "phone", "extension", "room"…
    """
    variants = _variants(spoken)
    cleaned = spoken.strip().strip(_TRAILING_PUNCTUATION)
    if len(variants) > 1:
        # Keep the speaker's case for the answer ("no extension called Lobby").
        tail = variants[-1]
        start = cleaned.casefold().find(tail)
        cleaned = cleaned[start : start + len(tail)] if start >= 0 else tail
    named = _named(extensions.values())
    steps: list[list[ExtensionRecord]] = []
    for variant in variants:
        if (digits := dial_string(variant)) is not None and digits in extensions:
            steps.append([extensions[digits]])
        else:
            steps.append(
                [
                    record
                    for record in named
                    if _fold(record.name or "") == _fold(variant)
                ]
            )
    steps += [
        [record for record in named if _partial(record.name or "", variant)]
        for variant in variants
    ]
    folded = {_fold(record.name or ""): record for record in named}
    close = difflib.get_close_matches(_fold(variants[-1]), folded, n=2, cutoff=_CLOSE)
    if len(close) == 1:
        steps.append([folded[close[0]]])
    for found in steps:
        if not found:
            continue
        kept = tuple(
            sorted(
                (record for record in found if record.number != exclude),
                key=lambda record: record.number,
            )
        )
        if not kept:
            return NameMatch(cleaned, excluded=found[0])
        return NameMatch(cleaned, kept)
    return NameMatch(cleaned)


# -- times --------------------------------------------------------------------------

_ZH_NUMBER: Final = re.compile(
    r"^(?:([一二两三四五六七八九])?十)?([一二两三四五六七八九零〇])?$"
)
_EN_TIME: Final = re.compile(
    r"^(?:at\s+)?(?P<hour>\d{1,2})(?:(?::|\.|\s)(?P<minute>\d{2}))?\s*"
    r"(?P<half>a\.?m\.?|p\.?m\.?|o'?clock|in the morning|in the afternoon|"
    r"in the evening|at night|tonight|tomorrow|tomorrow morning)?"
    r"(?:\s+(?:tomorrow|today|tonight))?$"
)
_ZH_TIME: Final = re.compile(
    r"^(?:明天|今天)?(?P<part>早上|早晨|上午|凌晨|中午|下午|傍晚|晚上)?"
    r"(?P<hour>[0-9零一二两三四五六七八九十]+)\s*[点點:：时]"
    r"(?P<minute>半|[0-9零一二两三四五六七八九十]+分?)?(?:钟)?$"
)
_AFTERNOON: Final = ("p", "in the afternoon", "in the evening", "at night", "tonight")


def _chinese_number(text: str) -> int | None:
    """A Chinese or Arabic number up to 99 ("七", "十一", "二十五", "30")."""
    if text.isdigit():
        return int(text)
    if (match := _ZH_NUMBER.match(text)) is None or not text:
        return None
    tens, unit = match.groups()
    value = int(_ZH_DIGITS[unit]) if unit else 0
    if "十" in text:
        value += 10 * (int(_ZH_DIGITS[tens]) if tens else 1)
    return value


def _english_words_to_digits(text: str) -> str:
    """Spoken clock words as digits: "seven thirty am" is "7 30 am"."""
    words = text.replace("-", " ").split()
    out: list[str] = []
    for word in words:
        if word in _EN_DIGITS and word not in {"o", "oh"}:
            out.append(_EN_DIGITS[word])
        elif word in _EN_TENS:
            out.append(_EN_TENS[word] + "0")
        elif word in {"o", "oh"} and out and out[-1].isdigit():
            out.append("0")
        else:
            out.append(word)
    # "30" after a tens word and a unit: "forty five" → 40 5 → 45.
    merged: list[str] = []
    for word in out:
        if (
            merged
            and word.isdigit()
            and len(word) == 1
            and merged[-1].isdigit()
            and len(merged[-1]) == 2
            and merged[-1].endswith("0")
            and int(merged[-1]) >= 20
        ):
            merged[-1] = str(int(merged[-1]) + int(word))
        elif merged and word.isdigit() and merged[-1] == "0" and len(merged) >= 2:
            merged[-1] = "0" + word
        else:
            merged.append(word)
    text = " ".join(merged)
    text = re.sub(r"^half past (\d{1,2})", r"\1:30", text)
    text = re.sub(r"^quarter past (\d{1,2})", r"\1:15", text)
    return re.sub(r"^(\d{1,2}) (\d{2})\b", r"\1:\2", text)


def parse_spoken_time(text: str) -> dt.time | None:
    """A clock time as said: "7", "7:30 am", "seven thirty pm", "早上7点", "七点半"."""
    said = " ".join(text.casefold().strip().strip(_TRAILING_PUNCTUATION).split())
    if (zh := _ZH_TIME.match(said.replace(" ", ""))) is not None:
        hour = _chinese_number(zh["hour"])
        minute_text = (zh["minute"] or "").rstrip("分")
        minute = 30 if minute_text == "半" else _chinese_number(minute_text or "0")
        if hour is None or minute is None:
            return None
        if zh["part"] in {"下午", "傍晚", "晚上"} and hour < 12:
            hour += 12
        return _clock(hour, minute)
    english = _EN_TIME.match(_english_words_to_digits(said))
    if english is None:
        return None
    hour = int(english["hour"])
    minute = int(english["minute"] or 0)
    half = (english["half"] or "").replace(".", "")
    if half.startswith(_AFTERNOON) and hour < 12:
        hour += 12
    elif half.startswith("a") and hour == 12:
        hour = 0
    return _clock(hour, minute)


def _clock(hour: int, minute: int) -> dt.time | None:
    if 0 <= hour <= 23 and 0 <= minute <= 59:
        return dt.time(hour, minute)
    return None


def next_occurrence(time: dt.time, now: dt.datetime, *, tomorrow: bool) -> dt.date:
    """The day a one-off wake-up call at ``time`` rings: today if still ahead."""
    if tomorrow or time <= now.time():
        return now.date() + dt.timedelta(days=1)
    return now.date()
