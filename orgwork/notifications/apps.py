from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "orgwork.notifications"
    label = "notifications"
    verbose_name = "消息提醒"
    default_auto_field = "django.db.models.BigAutoField"
