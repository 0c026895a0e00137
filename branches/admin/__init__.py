"""Admin for the branches app, one module per area; registration happens on import."""

from . import assessments, elections, meetings, organisations, standards, weak  # noqa: F401
