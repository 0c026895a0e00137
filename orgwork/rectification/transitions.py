"""The 挂账销号 transition table: which step may follow which state, and who may take it.

    挂账 / 重新挂账 ──开始整改──▶ 整改中 ──申请销号──▶ 申请销号 ──销号──▶ 已销号
                                   ▲                      │                 │
                                   └────────退回──────────┘                 │
    重新挂账 ◀──────────────────────回头看（重新挂账）─────────────────────────┘

    延期 moves the deadline of an item on the books, in work or reopened, with a reason;
    it leaves the state as it is. From 申请销号 on, the item's content is frozen.

Services look a step up here; a step from any other state is refused with
:func:`refusal`, a Chinese message that names the current state and what it needs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import ItemState

S = ItemState


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the step keeps the state (延期)
    permission: str  # "app_label.codename"

    def target_from(self, state: str) -> str:
        return state if self.target is None else self.target


START = Transition("start", "开始整改", (S.ON_BOOKS, S.REOPENED), S.IN_PROGRESS,
                   "rectification.change_rectificationitem")
REQUEST_CLOSURE = Transition("request_closure", "申请销号", (S.IN_PROGRESS,), S.CLOSURE_REQUESTED,
                             "rectification.request_closure_rectificationitem")
APPROVE = Transition("approve", "销号", (S.CLOSURE_REQUESTED,), S.CLOSED,
                     "rectification.approve_closure_rectificationitem")
SEND_BACK = Transition("send_back", "退回", (S.CLOSURE_REQUESTED,), S.IN_PROGRESS,
                       "rectification.approve_closure_rectificationitem")
REOPEN = Transition("reopen", "回头看重新挂账", (S.CLOSED,), S.REOPENED,
                    "rectification.reopen_rectificationitem")
EXTEND = Transition("extend", "延期", (S.ON_BOOKS, S.IN_PROGRESS, S.REOPENED), None,
                    "rectification.extend_deadline_rectificationitem")

TRANSITIONS: dict[str, Transition] = {t.name: t for t in (START, REQUEST_CLOSURE, APPROVE, SEND_BACK, REOPEN, EXTEND)}

# Why a state cannot take a step, in the words a clerk would use.
_STATE_HINTS: dict[str, str] = {
    S.ON_BOOKS: "尚未开始整改",
    S.REOPENED: "已重新挂账，需先开始整改",
    S.IN_PROGRESS: "正在整改，尚未申请销号",
    S.CLOSURE_REQUESTED: "已申请销号，正等待审核",
    S.CLOSED: "已经销号",
}


def allowed_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if state in t.sources]


def refusal(transition: Transition, state: str) -> str:
    """The message for a step that the current state does not allow."""
    needs = "或".join(f"「{S(s).label}」" for s in transition.sources)
    return f"不能{transition.label}：该事项{_STATE_HINTS[state]}（当前状态「{S(state).label}」），只有{needs}状态的事项可以{transition.label}。"
