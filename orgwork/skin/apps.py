from django.apps import AppConfig


class SkinConfig(AppConfig):
    """The admin skin's Chinese: django-unfold (and django-axes) ship no zh-hans catalogue,
    so this app carries one (``locale/``), which Django loads as it loads any app's. The
    project's own catalogue, if any, is in ``LOCALE_PATHS`` and takes precedence."""

    name = "orgwork.skin"
    label = "orgwork_skin"
    verbose_name = "界面"
