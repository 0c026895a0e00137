from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "orgwork.audit"
    label = "audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from .recorder import connect_handlers
        from . import signals  # noqa: F401  (login, logout, failed login)

        connect_handlers()
