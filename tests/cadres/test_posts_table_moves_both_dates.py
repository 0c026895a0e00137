"""The posts table on the cadre's page corrects the day a promotion took effect in one
save: the previous post's 免职时间 and the current post's 任职时间 moved together, earlier
or later, are written in the order that keeps them adjoining (the past post first)."""

from __future__ import annotations

import datetime

import pytest

from cadres.models import Post
from tests.test_versioning import form_data

from .test_corrected_promotion_dates import promoted  # noqa: F401  (fixture)
from .test_rules_on_every_path import change_url, page_text

D = datetime.date


@pytest.mark.parametrize("day", [D(2025, 9, 1), D(2025, 11, 3)])
def test_the_posts_table_moves_the_previous_removal_and_the_current_appointment_together(
        promoted, county_a_clerk, client_for, day) -> None:  # noqa: F811
    cadre, current = promoted
    previous = Post.objects.get(cadre=cadre, removed_on=D(2025, 10, 1))
    client = client_for(county_a_clerk)
    data = form_data(client.get(change_url(cadre)))
    rows = {v: k.split("-")[1] for k, v in data.items() if k.startswith("posts-") and k.endswith("-id")}
    data[f"posts-{rows[str(current.pk)]}-appointed_on"] = f"{day:%Y.%m.%d}"
    data[f"posts-{rows[str(previous.pk)]}-removed_on"] = f"{day:%Y.%m.%d}"
    response = client.post(change_url(cadre), data)
    assert response.status_code == 302, page_text(response)[-2000:]
    assert Post.objects.get(pk=current.pk).appointed_on == day
    assert Post.objects.get(pk=previous.pk).removed_on == day
