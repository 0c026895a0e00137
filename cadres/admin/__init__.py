"""Admin of the cadre registry: the cadre changelist and form (cadre.py), posts,
assessments and position quotas (records.py); filters and forms beside them."""

from . import cadre, records  # noqa: F401  (registration happens on import)
