"""Room for a request's frames (请求的调用栈空间), on Python 3.11.

CPython 3.11 keeps the frames of Python calls in chunks of 16 KiB. When a call does not
fit in the current chunk it maps a new one, and when that call returns it unmaps the
chunk at once (CPython issue gh-142183; 3.13 keeps one chunk back, 3.11 does not). A
page's template rendering goes down and up its nodes thousands of times: where its
depth happens to straddle the end of a chunk, every crossing costs a map, an unmap and
the page faults of touching fresh memory. The 党员名册 cost 2,500 faults a page when
called from one depth and 1,070 from another, and its time followed: nothing but how
deep the stack already was where the request began decided it.

``FrameRoomMiddleware``, outermost, calls the rest of the request through a function
whose own frame asks for :data:`ROOM` slots. The interpreter maps one chunk big enough
for it, and every frame of the request then fits in what is left of that chunk: one map
a request instead of hundreds. The slots asked for are never written, so the memory
behind them is never touched. On an interpreter that keeps its chunks (3.13 and later)
or is not CPython, the call is left as it is.
"""

from __future__ import annotations

import functools
import platform
import sys
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

# Value-stack slots of the calling frame: 32,768 pointers (256 KiB), so the chunk mapped
# for it (the next power of two, 512 KiB) leaves about 250 KiB, some 2,500 frames of a
# hundred bytes, for the request's own.
ROOM = 32_768

CHURNS = platform.python_implementation() == "CPython" and sys.version_info < (3, 13)


def with_room(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, called from a frame that asks the interpreter for :data:`ROOM` slots
    (on an interpreter that frees its frame chunks eagerly; elsewhere ``function`` itself)."""
    if not CHURNS:
        return function

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    # Only the frame's size changes: the code is the same, and the extra slots lie above
    # the deepest the code ever uses.
    call.__code__ = call.__code__.replace(co_stacksize=call.__code__.co_stacksize + ROOM)
    return call


class FrameRoomMiddleware:
    """Outermost: the whole request, views and templates, runs in one frame chunk."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = with_room(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)
