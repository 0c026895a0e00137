"""操作人 as a reader sees it (办理记录, 历史).

The trail keeps who acted as the account's name, or ``system:<name>`` for a system actor
(:class:`orgwork.common.contract.SystemActor`: a command, the demo seeder, the task
worker). A page shows the account's name as it is and a system actor by what it does, in
Chinese: 系统（每月生成党费）. Each app names its own jobs from its ``AppConfig.ready``
(:func:`name_system_actor`); an unnamed one reads 系统.
"""

from __future__ import annotations

SYSTEM_PREFIX = "system:"

_LABELS: dict[str, str] = {
    "send_reminders": "发送提醒",
    "deliver_mail": "发送邮件",
    "purge_exports": "清理导出文件",
    "import_job": "导入任务",
}


def name_system_actor(name: str, label: str) -> None:
    _LABELS[name] = label


def system_actor_shown(name: str) -> str:
    label = _LABELS.get(name)
    return f"系统（{label}）" if label else "系统"


def actor_shown(actor_name: str) -> str:
    if not actor_name:
        return "系统"
    if actor_name.startswith(SYSTEM_PREFIX):
        return system_actor_shown(actor_name.removeprefix(SYSTEM_PREFIX))
    return actor_name
