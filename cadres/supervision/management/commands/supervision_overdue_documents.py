"""List travel documents lent and not returned by their due date (逾期未交还证件)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from orgwork.audit.context import acting_as
from orgwork.units.models import Unit

from ...models import TravelDocumentLoan


class Command(BaseCommand):
    help = "列出逾期未交还的因私出入境证件。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--unit", help="单位代码（含下级）；不填为全部。")

    def handle(self, *args: Any, unit: str | None = None, **options: Any) -> None:
        today = timezone.localdate()
        with acting_as(None, source="command"):
            loans = (
                TravelDocumentLoan.objects.filter(returned_on__isnull=True, due_on__lt=today)
                .select_related("document", "document__holder", "document__holder__unit")
                .order_by("due_on", "id")
            )
            if unit:
                root = Unit.objects.filter(code=unit).first()
                loans = loans.filter(document__holder__unit__path__startswith=root.path) if root else loans.none()
            count = 0
            for loan in loans:
                count += 1
                holder = loan.document.holder
                self.stdout.write(f"{holder.unit}\t{holder.name}\t{loan.document.get_document_type_display()}\t"
                                  f"应于{loan.due_on:%Y-%m-%d}交还，逾期{(today - loan.due_on).days}天")
            self.stdout.write(f"逾期未交还 {count} 件。")
