"""Signals other parts of the cadre domain listen to, so that supervision depends on none of them.

``handling_recorded`` is sent, inside the transaction that stores it, for every 组织处理
record and every 党纪政务处分 written — by ``services.handling_record_save`` and
``services.discipline_finding_save`` (form, command, demo seeder) and by their sheets
(``after_import_commit`` of ``HandlingRecordResource`` and ``DisciplineFindingResource``).
Arguments: ``sender`` (``HandlingRecord`` or ``DisciplineFinding``), ``record`` (the saved
row) and ``actor`` (who wrote it). It is sent again when a record is corrected or a sheet
row re-imported: receivers are idempotent. A receiver's ``ValidationError`` refuses the
write as a whole.

``basis_corrected`` is sent, before the corrected row is saved, when a saved 组织处理 or
党纪政务处分 is corrected to another cadre (录错干部) or another 决定日期: ``record`` (the
stored row, as it was), ``actor`` and ``cadre_changed``. What rests on the record as it
was is withdrawn or refuses the correction (a look-back still open is withdrawn; one
concluded stands, and refuses a change of cadre); ``handling_recorded`` then follows for
the corrected row.
"""

from __future__ import annotations

from django.dispatch import Signal

handling_recorded = Signal()
basis_corrected = Signal()
