"""Names told apart by a number written in Chinese (干部一二): a person's name holds no
digits (``orgwork.common.names``), so tests and samples that need many people spell the
number out."""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"


def numbered(prefix: str, n: int, width: int = 1) -> str:
    """``prefix`` and ``n`` in Chinese digits, digit by digit: numbered("干部", 12) is 干部一二.
    ``width`` pads with 零 (numbered("干部", 1, 2) is 干部零一), so that no name of a set is the
    start of another (干部一 is the start of 干部一三) and a test that a page does not show one
    cannot be fooled by the other."""
    return prefix + "".join(DIGITS[int(d)] for d in str(n).zfill(width))


# What a name may not hold, each with the start of its refusal: the one list the name
# rule's tests of members, cadres and talents try on every path.
INVISIBLE = "姓名中有看不见的字符"
BAD_NAMES = {
    "表情\U0001F600党员": "姓名中不能有「\U0001F600」",
    "零宽\u200b字符": INVISIBLE,
    "\ufeff王明": INVISIBLE,
    "王\u202e明": INVISIBLE,
    "王\x07明": INVISIBLE,
    "<script>alert(1)</script>": "姓名中不能有「<」",
    "=HYPERLINK(\"http://evil\"，\"点我\")": "姓名中不能有「=」",
    "@SUM(1+1)": "姓名中不能有「@」",
    "张三1": "姓名中不能有「1」",
    "-王明": "姓名须以汉字或字母开头和结尾",
}
