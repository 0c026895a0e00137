"""Admin of 后备干部: the pools (pools.py) and their members (members.py), with the
record-page steps (steps.py) and the read-only membership on the cadre's page."""

from . import members, pools  # noqa: F401  (registration happens on import)
