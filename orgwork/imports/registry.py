"""Which spreadsheet resources exist (导入模板). Apps register theirs in ``AppConfig.ready``:

    from orgwork.imports.registry import register
    register(CadreResource)

A resource class names itself with ``slug`` (the command-line name: ``cadres``) and
``verbose_name`` (the Chinese title users see: ``干部基本信息``).
"""

from __future__ import annotations

from typing import Any

_RESOURCES: dict[str, type[Any]] = {}


def register(resource_class: type[Any]) -> type[Any]:
    slug = getattr(resource_class, "slug", None)
    if not slug or not getattr(resource_class, "verbose_name", None):
        raise ValueError(f"{resource_class.__name__} 需要 slug 和 verbose_name 属性")
    existing = _RESOURCES.get(slug)
    if existing is not None and existing is not resource_class:
        raise ValueError(f"导入资源 {slug} 已被 {existing.__name__} 注册")
    _RESOURCES[slug] = resource_class
    return resource_class


def get(slug: str) -> type[Any]:
    try:
        return _RESOURCES[slug]
    except KeyError:
        raise KeyError(f"没有名为「{slug}」的导入资源，可选：{'、'.join(sorted(_RESOURCES))}") from None


def all_resources() -> dict[str, type[Any]]:
    return dict(sorted(_RESOURCES.items()))
