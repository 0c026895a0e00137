"""One demo account per role, plus a city officer and two county clerks to show scope.

Each has an e-mail address and a mobile number for the reminder mail and 短信. The numbers
are plainly fictitious (139-0000-00xx, one per account, always the same); the demo's 短信
go to the logging backend (``orgwork.notifications.sms``) and reach nobody."""

from __future__ import annotations

from orgwork.accounts import roles
from orgwork.accounts.services import account_save, staff_create_or_update

from . import DemoContext

DEMO_PASSWORD = "Demo@orgwork2026"
# Reminder mails go to these (bin/demo prints them to its log: the console mail backend).
DEMO_MAIL_DOMAIN = "demo.orgwork.cn"

ACCOUNTS = [
    ("sysadmin", "620000", roles.SYSTEM_ADMIN, "系统管理员（省）", "13900000001"),
    ("secadmin", "620000", roles.SECURITY_ADMIN, "安全管理员（省）", "13900000002"),
    ("auditadmin", "620000", roles.AUDIT_ADMIN, "审计管理员（省）", "13900000003"),
    ("province_cadre", "620000", roles.CADRE_SUPERVISION, "省委组织部 干部监督", "13900000011"),
    ("province_party", "620000", roles.PARTY_BUILDING, "省委组织部 基层党建", "13900000012"),
    ("province_talent", "620000", roles.TALENT_WORK, "省委组织部 人才工作", "13900000013"),
    ("province_viewer", "620000", roles.READ_ONLY, "省委组织部 只读查阅", "13900000014"),
    ("lanzhou_cadre", "620100", roles.CADRE_SUPERVISION, "兰州市委组织部 干部监督", "13900000021"),
    ("chengguan_cadre", "620102", roles.CADRE_SUPERVISION, "城关区委组织部 干部监督", "13900000031"),
    ("chengguan_party", "620102", roles.PARTY_BUILDING, "城关区委组织部 基层党建", "13900000032"),
    ("qilihe_cadre", "620103", roles.CADRE_SUPERVISION, "七里河区委组织部 干部监督", "13900000041"),
]


def build(ctx: DemoContext) -> None:
    roles.setup_roles()
    ctx.say("演示账号（密码均为 %s）：" % DEMO_PASSWORD)
    for username, unit_code, role, label, mobile in ACCOUNTS:
        # The demo password is published: it need not be changed at the first login.
        user, _ = staff_create_or_update(username=username, unit_code=unit_code, role=role, password=DEMO_PASSWORD,
                                         temporary_password=False)
        if (user.email, user.mobile) != (f"{username}@{DEMO_MAIL_DOMAIN}", mobile):
            user.email = f"{username}@{DEMO_MAIL_DOMAIN}"
            user.mobile = mobile
            account_save(actor=None, user=user)
        ctx.say(f"  {username:<18} {label}")
