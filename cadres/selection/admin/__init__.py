"""Admin of 选人用人监督, one module per workflow."""

from . import departures, evaluations, look_backs  # noqa: F401
