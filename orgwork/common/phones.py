"""A telephone number as a register keeps it (联系电话).

Typed from a form or a sheet a number comes as ``１３８ ０００１ ２２２２`` (full-width,
with spaces), ``138-0001-2222``, ``+86 13800012222`` or ``0931-8888888``. It is kept in
one form: ASCII digits, a mobile number as its eleven digits, a fixed line as 区号-号码
(with -分机 where there is one). Anything else is refused: a number that is none of
these cannot be dialled, and a mask copied from a list (138****5678) is refused before
(``orgwork.common.secrets.masked_refusal``). The message never repeats the number:
it is personal data, and a sheet's messages reach job pages and error workbooks.
"""

from __future__ import annotations

import re
import unicodedata

MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
# 区号: 010 and 020–029 have three digits, the others four (0931 兰州).
FIXED = re.compile(r"(0[12]\d|0[3-9]\d{2})-?(\d{7,8})(?:-(\d{1,6}))?")
NOT_A_PHONE = ("联系电话不是有效的电话号码：请填写11位手机号码（如 13912345678），"
               "或带区号的固定电话（如 0931-8888888，有分机的写作 0931-8888888-123）。")


def normal_phone(value: str) -> str | None:
    """The number as kept, or None for what is no number (refused with ``NOT_A_PHONE``)."""
    # NFKC makes full-width digits, hyphens, brackets and spaces plain.
    text = re.sub(r"[\s()]", "", unicodedata.normalize("NFKC", value).replace("—", "-"))
    if match := MOBILE.fullmatch(text.replace("-", "")):
        return match.group(1)
    if match := FIXED.fullmatch(text):
        area, number, extension = match.groups()
        return f"{area}-{number}" + (f"-{extension}" if extension else "")
    return None
