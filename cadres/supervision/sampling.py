"""The 个人有关事项 random draw, written so that anyone can re-run it from the record.

Inputs: the population as ``(cadre_id, unit_id)`` pairs, the seed, the number to draw
and whether to stratify by unit. Algorithm:

1. Sort the population by cadre id.
2. Unstratified: ``random.Random(seed).sample(cadre_ids, n)``.
3. Stratified: group by unit id (units in ascending id order, cadres sorted within each);
   allot ``n`` by the largest-remainder method — each unit gets ⌊n·Nᵤ/N⌋, the leftover
   places go to the largest fractional parts, ties to the smaller unit id — so the
   allotments add up to ``n``; then one ``random.Random(seed)`` draws
   ``sample(unit_cadre_ids, allotment)`` for each unit in that order.
4. The result is returned sorted.

``n`` for a ratio is ``ratio% × N`` rounded half up, at least 1 when the population
is not empty and the ratio is positive.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

Population = list[tuple[int, int]]


def normalise(population: Iterable[Sequence[int]]) -> Population:
    return sorted((int(cadre_id), int(unit_id)) for cadre_id, unit_id in population)


def population_hash(population: Population) -> str:
    text = json.dumps([list(pair) for pair in normalise(population)], separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def size_for_ratio(population_size: int, ratio_percent: Decimal) -> int:
    if population_size == 0 or ratio_percent <= 0:
        return 0
    exact = (Decimal(population_size) * Decimal(ratio_percent) / Decimal(100)).quantize(Decimal(1), ROUND_HALF_UP)
    return max(1, min(population_size, int(exact)))


def allot(sizes: dict[int, int], total: int) -> dict[int, int]:
    """Largest-remainder allotment of ``total`` places among strata of ``sizes``."""
    whole = sum(sizes.values())
    if whole == 0:
        return {unit: 0 for unit in sizes}
    shares = {unit: Fraction(total * size, whole) for unit, size in sizes.items()}
    result = {unit: int(share) for unit, share in shares.items()}
    leftover = total - sum(result.values())
    by_remainder = sorted(sizes, key=lambda unit: (-(shares[unit] - result[unit]), unit))
    for unit in by_remainder[:leftover]:
        result[unit] += 1
    return result


def draw(population: Iterable[Sequence[int]], *, seed: int, total: int, stratified: bool) -> list[int]:
    pairs = normalise(population)
    total = max(0, min(total, len(pairs)))
    rng = random.Random(seed)
    if not stratified:
        return sorted(rng.sample([cadre for cadre, _ in pairs], total))
    strata: dict[int, list[int]] = {}
    for cadre, unit in pairs:
        strata.setdefault(unit, []).append(cadre)
    allotment = allot({unit: len(members) for unit, members in strata.items()}, total)
    chosen: list[int] = []
    for unit in sorted(strata):
        chosen.extend(rng.sample(strata[unit], allotment[unit]))
    return sorted(chosen)
