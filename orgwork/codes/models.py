"""Reference code sets (代码表 / 信息分类与代码): national standard codes with the
Chinese names forms use and the spellings people type instead (aliases)."""

from __future__ import annotations

import re

from django.db import models

from orgwork.audit.models import Audited


STANDARD_CODE = re.compile(r"[0-9A-Z]+")


class CodeItem(Audited):
    """代码项. One entry of a code set, e.g. 民族 GB 3304 ``01`` 汉族 (aliases 汉).

    Records store the canonical ``name`` (what every form prints); ``code`` is the
    standard's code, used by exchange formats and kept for reports.
    """

    code_set = models.CharField("代码集", max_length=40)
    code = models.CharField("代码", max_length=20)
    name = models.CharField("名称", max_length=60)
    aliases = models.JSONField("别名", default=list, blank=True, help_text="其他写法，如「汉」→ 汉族。")
    sort_order = models.PositiveIntegerField("排序号", default=0)

    class Meta:
        verbose_name = "代码项"
        verbose_name_plural = "代码项"
        ordering = ["code_set", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code_set", "code"], name="codeitem_unique_code"),
            models.UniqueConstraint(fields=["code_set", "name"], name="codeitem_unique_name"),
        ]

    def __str__(self) -> str:
        # A standard's code (GB 3304 ``01``) reads beside the name; an internal key such as
        # ``basically_competent`` means nothing to a clerk and would read as English.
        if STANDARD_CODE.fullmatch(self.code):
            return f"{self.code} {self.name}"
        return self.name
