"""One demo account per role, plus a city officer and two county clerks to show scope."""

from __future__ import annotations

from orgwork.accounts import roles
from orgwork.accounts.services import account_save, staff_create_or_update

from . import DemoContext

DEMO_PASSWORD = "Demo@orgwork2026"
# Reminder mails go to these (bin/demo prints them to its log: the console mail backend).
DEMO_MAIL_DOMAIN = "demo.orgwork.cn"

ACCOUNTS = [
    ("sysadmin", "620000", roles.SYSTEM_ADMIN, "系统管理员（省）"),
    ("secadmin", "620000", roles.SECURITY_ADMIN, "安全管理员（省）"),
    ("auditadmin", "620000", roles.AUDIT_ADMIN, "审计管理员（省）"),
    ("province_cadre", "620000", roles.CADRE_SUPERVISION, "省委组织部 干部监督"),
    ("province_party", "620000", roles.PARTY_BUILDING, "省委组织部 基层党建"),
    ("province_talent", "620000", roles.TALENT_WORK, "省委组织部 人才工作"),
    ("province_viewer", "620000", roles.READ_ONLY, "省委组织部 只读查阅"),
    ("lanzhou_cadre", "620100", roles.CADRE_SUPERVISION, "兰州市委组织部 干部监督"),
    ("chengguan_cadre", "620102", roles.CADRE_SUPERVISION, "城关区委组织部 干部监督"),
    ("chengguan_party", "620102", roles.PARTY_BUILDING, "城关区委组织部 基层党建"),
    ("qilihe_cadre", "620103", roles.CADRE_SUPERVISION, "七里河区委组织部 干部监督"),
]


def build(ctx: DemoContext) -> None:
    roles.setup_roles()
    ctx.say("演示账号（密码均为 %s）：" % DEMO_PASSWORD)
    for username, unit_code, role, label in ACCOUNTS:
        # The demo password is published: it need not be changed at the first login.
        user, _ = staff_create_or_update(username=username, unit_code=unit_code, role=role, password=DEMO_PASSWORD,
                                         temporary_password=False)
        if user.email != f"{username}@{DEMO_MAIL_DOMAIN}":
            user.email = f"{username}@{DEMO_MAIL_DOMAIN}"
            account_save(actor=None, user=user)
        ctx.say(f"  {username:<18} {label}")
