"""Admin for 整改清单: checklists with their items inline, items with the 挂账销号 actions."""

from .checklists import ChecklistAdmin
from .items import RectificationItemAdmin

__all__ = ["ChecklistAdmin", "RectificationItemAdmin"]
