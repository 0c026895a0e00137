"""A person's name (姓名): the one rule of what characters it may hold.

A name is written in letters: Chinese characters, or the letters of another script
(a foreign-born member's Latin name, a Tibetan name). Between its letters it may have
the separators names are written with: the middle dot of minority and foreign names
(阿卜杜·热合曼, also typed as •, ・ or ‧), a space (Anna Maria), a hyphen (让-保罗·萨特)
and the tsheg of Tibetan.
Anything else is refused: characters that cannot be seen (zero-width spaces, the BOM,
direction marks, control characters — a name holding one is not found by a search for
it), and characters that are not letters of a name (emoji, digits, <, >, =, a formula).
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from orgwork.audit.models import Audited

SEPARATORS = frozenset("·•・‧ -\u0f0b")  # \u0f0b: the tsheg between Tibetan syllables
# Control characters (Cc), format characters such as zero-width spaces, the BOM and
# direction marks (Cf), line and paragraph separators (Zl, Zp), and spaces other than the
# plain one (a no-break space, an ideographic space: Zs).
_UNSEEN = {"Cc", "Cf", "Zl", "Zp", "Zs", "Cs"}


def _rare_character(char: str) -> bool:
    """A 生僻字 as people's names are written with it: a private-use character (the
    GB 18030 and font-vendor code points many registries enter rare characters with), or
    a code point of the ideographic planes newer than this Python's Unicode tables (CJK
    extensions H and after). Both are letters of a name, not unseen characters."""
    kind = unicodedata.category(char)
    return kind == "Co" or (kind == "Cn" and 0x20000 <= ord(char) <= 0x3FFFF)


INVISIBLE = ("{label}中有看不见的字符（如零宽空格、控制字符、方向标记或特殊空格），"
             "从其他文件复制的{label}常带有这类字符：请删去{label}后重新输入。")
NOT_A_LETTER = ("{label}中不能有「{char}」：{label}只能由汉字或字母组成，少数民族和外籍人员{label}中间的"
                "间隔号写作「·」。")
EDGES = "{label}须以汉字或字母开头和结尾，间隔号「·」、空格和连字符只能写在两个字之间，且不能连用。"


def holds_unseen(text: str) -> bool:
    """Whether ``text`` holds a character that cannot be seen, other than a plain space."""
    return any(char != " " and unicodedata.category(char) in _UNSEEN for char in text)


def without_unseen(text: str) -> str:
    """``text`` less the characters that cannot be seen (and the spaces): what a clerk sees
    of a cell holding a zero-width space or a direction mark."""
    return "".join(char for char in text if unicodedata.category(char) not in _UNSEEN)


def name_error(name: str, label: str = "姓名") -> str | None:
    """The Chinese message for what a person's name may not hold, None for a name that
    is only letters and the separators between them."""
    if not name:
        return None
    if holds_unseen(name):
        return INVISIBLE.format(label=label)
    previous = ""
    for char in name:
        kind = unicodedata.category(char)
        if kind.startswith("L") or _rare_character(char):
            previous = "letter"
        elif kind in ("Mn", "Mc") and previous == "letter":
            continue  # a vowel sign or an accent on the letter before it
        elif char in SEPARATORS:
            if previous != "letter":
                return EDGES.format(label=label)
            previous = "separator"
        else:
            return NOT_A_LETTER.format(label=label, char=char)
    if previous != "letter":
        return EDGES.format(label=label)
    return None


def validate_name(name: str) -> None:
    """The rule as a validator (a form field's, a model field's)."""
    if message := name_error(name):
        raise ValidationError(message, code="name")


def written_name_errors(instance: Audited) -> dict[str, str]:
    """The rule for a record's ``name`` as it is saved (新录入或改写的姓名), for its model's
    ``clean()``: a name written now holds only what a name may; a name on record that is
    not rewritten is left as it is (``Audited.written_now``), so that a step on an older
    record does not fail for a name entered before the rule."""
    if not instance.written_now("name"):
        return {}
    message = name_error(instance.name)  # type: ignore[attr-defined]
    return {"name": message} if message else {}
