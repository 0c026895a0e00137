"""Admin of 教育培训: classes with their rosters, attendance (and its sheet), online
courses and completions, and the yearly minimum table."""

from . import classes, online  # noqa: F401
