from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "orgwork.exports"
    label = "exports"
    verbose_name = "导出文件"
    default_auto_field = "django.db.models.BigAutoField"
