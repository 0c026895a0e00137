"""The demo cadres: valid, consistent people, and a second run adds nothing."""

from __future__ import annotations

import io

from cadres.models import Assessment, Cadre, PositionQuota, Post
from orgwork.common import idnumber
from seeds.demo import DemoContext
from seeds.demo import cadres as demo_cadres


def test_demo_cadres_are_valid_and_the_step_is_idempotent(tree) -> None:
    ctx = DemoContext(scale="small", stdout=io.StringIO())
    demo_cadres.build(ctx)
    counts = (Cadre.objects.count(), Post.objects.count(), Assessment.objects.count(), PositionQuota.objects.count())
    assert counts[0] == 2 * demo_cadres.CADRES_PER_COUNTY  # two counties in the test tree
    assert counts[1] == counts[0] and counts[2] == 3 * counts[0] and counts[3] > 0
    for cadre in Cadre.objects.all():
        assert idnumber.validate(cadre.id_number) == cadre.id_number
        assert idnumber.consistency_errors(cadre.id_number, birth=cadre.birth_month, gender=cadre.gender) == {}
        assert cadre.name_pinyin
    demo_cadres.build(ctx)
    assert (Cadre.objects.count(), Post.objects.count(), Assessment.objects.count(),
            PositionQuota.objects.count()) == counts
