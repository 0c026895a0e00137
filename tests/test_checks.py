"""Every check constraint of the project's tables is evaluated in Python as the database
evaluates it (orgwork.common.checks), with a message in Chinese."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import models

from cadres.models import Post
from orgwork.common import checks
from orgwork.rectification.models import Checklist

PROJECT_APPS = ("cadres", "branches", "talent", "orgwork", "seeds")


def project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m.__module__.split(".")[0] in PROJECT_APPS]


def test_every_check_constraint_of_the_project_is_evaluated_in_python_and_speaks_chinese() -> None:
    found = 0
    for model in project_models():
        assert checks.unsupported(model) == [], model
        for constraint in model._meta.constraints:
            if isinstance(constraint, models.CheckConstraint):
                found += 1
                message = str(constraint.get_violation_error_message())
                assert "约束" not in message and message.endswith("。"), (constraint.name, message)
    assert found >= 30  # the scan reads the real tables, not an empty list


def test_more_than_half_is_reckoned_as_the_database_divides_integers() -> None:
    from branches.members.models import Applicant

    message = "支部大会表决人数不完整，或未超过应到会有表决权党员的半数。"
    for counts, holds in (((9, 5, 5), True), ((10, 6, 6), True), ((10, 5, 5), False), ((10, 6, 5), False),
                          ((9, 5, None), False), ((None, None, None), True), ((9, 5, 6), False)):
        expected, present, in_favour = counts
        found = checks.broken(Applicant(vote_expected=expected, vote_present=present, vote_for=in_favour))
        assert (("vote_expected", message) not in found) is holds, (counts, found)
    assert checks.broken(Applicant(vote_expected="十", vote_present=6, vote_for=6)) == []  # the field's to report


def test_the_predicate_follows_sqls_three_valued_logic() -> None:
    day = datetime.date(2005, 3, 1)
    post = Post(appointed_on=day, removed_on=day - datetime.timedelta(days=1), is_current=False)
    assert ("removed_on", "免职时间不能早于任职时间。") in checks.broken(post)
    post.removed_on = day
    assert checks.broken(post) == []
    post.appointed_on = None  # NULL: the comparison is unknown, and a CHECK lets it pass
    assert checks.broken(post) == []
    post.removed_on = "某年"  # a wrong type is its field's to report
    assert checks.broken(post) == []
    assert [name for name, _ in checks.broken(Checklist(year=1948))] == ["year"]
    assert checks.broken(Checklist(year=None)) == []
