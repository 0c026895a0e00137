"""Candidate ID numbers as a sheet that tries them out would hold (身份证号试探)."""

from __future__ import annotations

from orgwork.common import idnumber


def resembling(number: str) -> str:
    """Another valid number of the same masked form as ``number``: the same place, birth
    month, sequence and check character, another day of the month."""
    born = idnumber.birth_date_of(number)
    for day in range(1, 29):
        if day == born.day:
            continue
        first = f"{number[:12]}{day:02d}{number[14:17]}"
        if idnumber.check_character(first) == number[-1]:
            return first + number[-1]
    raise AssertionError(f"no other day of {born:%Y.%m} masks as {number}")
