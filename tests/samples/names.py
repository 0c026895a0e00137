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
