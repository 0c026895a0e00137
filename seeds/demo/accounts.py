"""One demo account per role, plus a city officer and two county clerks to show scope.

Each has an e-mail address and a mobile number for the reminder mail and 短信. The numbers
are plainly fictitious (139-0000-00xx, one per account, always the same); the demo's 短信
go to the logging backend (``orgwork.notifications.sms``) and reach nobody."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from orgwork.accounts import roles
from orgwork.accounts.models import User
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
    """The accounts, run again as often as the demo is: an account already there keeps
    its password, which its owner may have changed since (resetting it to the published
    one would undo that, and the password history refuses it anyway); the seeder says
    so instead. An account the rules will not bring back to its demo role or unit (the
    last 审计管理员 given another role in the meantime, say) is reported and left as it is."""
    roles.setup_roles()
    ctx.say("演示账号（新建账号的密码为 %s；已有账号的密码保持不变）：" % DEMO_PASSWORD)
    for username, unit_code, role, label, mobile in ACCOUNTS:
        existing = User.objects.filter(username=username).first()
        try:
            # The demo password is published: it need not be changed at the first login.
            user, _ = staff_create_or_update(username=username, unit_code=unit_code, role=role,
                                             password=DEMO_PASSWORD if existing is None else None,
                                             temporary_password=False)
            if (user.email, user.mobile) != (f"{username}@{DEMO_MAIL_DOMAIN}", mobile):
                user.email = f"{username}@{DEMO_MAIL_DOMAIN}"
                user.mobile = mobile
                account_save(actor=None, user=user)
        except ValidationError as exc:
            ctx.say(f"  {username:<18} {label}：未更新（{'；'.join(exc.messages)}）")
            continue
        kept = existing is not None and not user.check_password(DEMO_PASSWORD)
        ctx.say(f"  {username:<18} {label}" + ("（密码已修改过，保持不变，不是演示密码）" if kept else ""))
