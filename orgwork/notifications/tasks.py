"""Background steps of the reminder pass, run by ``python manage.py db_worker``.

``send_reminders`` is what ``manage.py send_reminders`` does; ``deliver_mail`` only retries
the digests that failed. Both are safe to run twice (see ``services``).
"""

from __future__ import annotations

from django_tasks import task

from orgwork.common.contract import SystemActor

from . import services


@task()
def send_reminders() -> dict[str, int]:
    return services.reminders_send(actor=SystemActor("send_reminders"))


@task()
def deliver_mail() -> dict[str, int]:
    return services.deliveries_send(actor=SystemActor("deliver_mail"))
