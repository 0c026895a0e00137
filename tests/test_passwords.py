"""Password rules (密码规则): Chinese messages for every rule, and none of the last
five passwords chosen again."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgwork.accounts.models import PasswordHistory, User

from .conftest import PASSWORD

ENGLISH = re.compile(r"[A-Za-z]{4,}")


def refusal(password: str, user: Any = None) -> list[str]:
    with pytest.raises(ValidationError) as error:
        validate_password(password, user)
    return error.value.messages


@pytest.mark.parametrize("password, message", [
    ("Short#1", "密码太短，至少需要 10 个字符。"),
    ("Password123", "这个密码过于常见，容易被猜中。"),
    ("20261202123456", "密码不能全部是数字。"),
    ("County_a_clerk1", "密码与账号的用户名过于相似。"),
    ("alllowercaseletters", "密码至少要包含大写字母、小写字母、数字、特殊字符中的 3 类。"),
])
def test_every_password_rule_answers_in_chinese(county_a_clerk: User, password: str, message: str) -> None:
    messages = refusal(password, county_a_clerk)
    assert message in messages
    assert not any(ENGLISH.search(m.replace("username", "")) for m in messages), messages


def test_the_password_help_texts_are_chinese(db: Any) -> None:
    texts = password_validators_help_texts()
    assert len(texts) == 6 and not any(ENGLISH.search(t) for t in texts), texts


def change(user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save()


def test_none_of_the_last_five_passwords_may_be_chosen_again(county_a_clerk: User) -> None:
    user = User.objects.get(pk=county_a_clerk.pk)
    recent = [f"Recent#{n}Pass2026" for n in range(5)]
    for password in recent:
        change(user, password)
    for password in recent:
        assert refusal(password, user) == ["新密码不能与最近 5 次使用过的密码相同。"]
    assert PasswordHistory.objects.filter(user=user).count() == 5
    change(user, PASSWORD)  # the sixth back is free again
    assert user.check_password(PASSWORD)


def test_the_history_keeps_hashes_never_the_passwords(county_a_clerk: User) -> None:
    user = User.objects.get(pk=county_a_clerk.pk)
    change(user, "Hashed#Only2026")
    stored = PasswordHistory.objects.filter(user=user).values_list("password", flat=True)
    assert user.password in stored and not any("Hashed#Only2026" in s for s in stored)


def test_changing_ones_own_password_back_to_the_current_one_is_refused_on_the_form(
        county_a_clerk: User, client_for: Any) -> None:
    response = client_for(county_a_clerk).post(reverse("admin:password_change"), {
        "old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD})
    assert response.status_code == 200
    assert "新密码不能与最近 5 次使用过的密码相同。" in response.content.decode()
    assert User.objects.get(pk=county_a_clerk.pk).check_password(PASSWORD)
