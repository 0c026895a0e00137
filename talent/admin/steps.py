"""人才工作的办理按钮: the workflow steps on each record's own page.

Declared with ``orgwork.admin_steps.RecordStep``; each calls the same service as the
list's batch action (``..services``), so the consequences of a review (reward, exit),
the rules and the audit row hold here too.

- Enrollee (入选人员): 登记聘期考核, 办理退出, 聘期期满.
- Green-channel request (绿色通道事项): 受理, 延期, 办结, 退回.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from orgwork.admin_steps import RecordStep

from .. import services
from ..models import OPEN_REQUEST_STATUSES, Enrollment, EnrollmentStatus, GreenChannelRequest, RequestStatus
from .forms import CompleteForm, ExitForm, ExtendForm, RequestReturnForm, ReviewForm


def _active(enrollment: Enrollment) -> bool:
    return enrollment.status == EnrollmentStatus.ACTIVE


def _term_over(enrollment: Enrollment) -> bool:
    return _active(enrollment) and enrollment.term_end is not None and enrollment.term_end < timezone.localdate()


ENROLLMENT_STEPS = (
    RecordStep(name="record_review_step", label="登记聘期考核", permission="talent.add_termreview",
               applies=_active, form=ReviewForm, icon="grading",
               run=lambda e, actor, d: services.term_review_record(
                   enrollment=e, review_year=d["review_year"], grade=d["grade"], reviewed_on=d["reviewed_on"],
                   comment=d["comment"], actor=actor)),
    RecordStep(name="exit_step", label="办理退出", verb="办理退出", permission="talent.change_enrollment",
               applies=_active, form=ExitForm, icon="logout",
               run=lambda e, actor, d: services.enrollment_exit(
                   enrollment=e, reason=d["reason"], exit_date=d["exit_date"], note=d["note"], actor=actor)),
    RecordStep(name="complete_term_step", label="聘期期满", verb="办理聘期期满", permission="talent.change_enrollment",
               applies=_term_over, icon="event_available",
               run=lambda e, actor, d: services.enrollment_complete_term(enrollment=e, actor=actor)),
)


def _accept(request: GreenChannelRequest, actor: Any, data: dict[str, Any]) -> Any:
    return services.green_request_accept(request=request, handler=request.handler or actor, actor=actor)


def _open(request: GreenChannelRequest) -> bool:
    return request.status in OPEN_REQUEST_STATUSES


def _extendable(request: GreenChannelRequest) -> bool:
    return not request.extension_refusal(timezone.localdate())


GREEN_REQUEST_STEPS = (
    RecordStep(name="accept_step", label="受理", permission="talent.change_greenchannelrequest",
               applies=lambda r: r.status == RequestStatus.PENDING, run=_accept, icon="inbox"),
    RecordStep(name="extend_step", label="延期", permission="talent.change_greenchannelrequest",
               applies=_extendable, form=ExtendForm,
               icon="more_time", refusal_fields={"extension_reason": "reason"},
               run=lambda r, actor, d: services.green_request_extend(request=r, deadline=d["deadline"],
                                                                     reason=d["reason"], actor=actor)),
    RecordStep(name="complete_step", label="办结", permission="talent.change_greenchannelrequest",
               applies=_open, form=CompleteForm, icon="task_alt",
               run=lambda r, actor, d: services.green_request_complete(request=r, result=d["result"], actor=actor)),
    RecordStep(name="return_step", label="退回", permission="talent.change_greenchannelrequest",
               applies=_open, form=RequestReturnForm, icon="undo",
               run=lambda r, actor, d: services.green_request_return(request=r, reason=d["reason"], actor=actor)),
)
