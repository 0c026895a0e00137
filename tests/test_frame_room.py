"""A request runs in one frame chunk of the interpreter (orgwork.frame_room).

Python 3.11 maps a 16 KiB chunk for frames that do not fit in the current one and unmaps
it when they return; every new chunk is fresh memory, faulted in page by page. The
tests count the process's minor page faults (``ru_minflt``) while calls go down and up
across where a chunk ends, from many starting depths so that some of them straddle it.
"""

from __future__ import annotations

import resource
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from orgwork.frame_room import CHURNS, FrameRoomMiddleware, with_room

pytestmark = pytest.mark.skipif(not CHURNS, reason="this interpreter keeps its frame chunks")

# Starting depths a frame apart, over more than a 16 KiB chunk of small frames.
DEPTHS = range(0, 240, 3)


def faults() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def at_depth(depth: int, work: Callable[[], Any]) -> Any:
    return work() if depth == 0 else at_depth(depth - 1, work)


def descend(depth: int) -> int:
    return 0 if depth == 0 else descend(depth - 1) + 1


def up_and_down() -> None:
    for _ in range(40):
        descend(60)


def worst_faults(work: Callable[[], Any]) -> int:
    """The most page faults ``work`` cost, started from each of :data:`DEPTHS`."""
    worst = 0
    for depth in DEPTHS:
        before = faults()
        at_depth(depth, work)
        worst = max(worst, faults() - before)
    return worst


def test_calls_that_cross_a_chunk_end_fault_fresh_pages_each_time() -> None:
    # What the middleware is for: without room, some starting depth straddles a chunk
    # end, and each of its forty descents maps and touches a new chunk.
    assert worst_faults(up_and_down) >= 40


def test_calls_made_through_with_room_fault_nothing_new() -> None:
    assert worst_faults(with_room(up_and_down)) < 10


def test_with_room_passes_arguments_results_and_errors_through() -> None:
    def divide(a: int, b: int = 1) -> float:
        return a / b

    roomy = with_room(divide)
    assert roomy(6, b=3) == 2
    assert roomy.__name__ == "divide"
    with pytest.raises(ZeroDivisionError):
        roomy(1, b=0)
    assert roomy.__code__.co_stacksize > divide.__code__.co_stacksize


def test_the_middleware_is_the_outermost() -> None:
    assert settings.MIDDLEWARE[0] == "orgwork.frame_room.FrameRoomMiddleware"


def page_faults(client: Any, url: str) -> int:
    def get() -> None:
        assert client.get(url).status_code == 200

    get()  # warm: templates compiled, caches filled
    return min(worst_faults(get) for _ in range(2))


def test_a_list_page_maps_no_frame_chunk_as_it_renders(county_a_clerk: Any, client_for: Any) -> None:
    url = "/admin/cadres/cadre/"
    # A client's handler reads the middleware at its first request: one client each.
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if not m.endswith("FrameRoomMiddleware")]):
        without = page_faults(client_for(county_a_clerk), url)
    with_middleware = page_faults(client_for(county_a_clerk), url)
    assert without >= 200, without  # the page's rendering straddles a chunk end from some depth
    assert with_middleware < without / 4, (with_middleware, without)
    assert FrameRoomMiddleware(lambda request: request)("request") == "request"
