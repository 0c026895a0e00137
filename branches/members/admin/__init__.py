"""Members and recruitment in the admin: the roster and transfers, the pipeline, dues."""

from . import dues, pipeline, roster  # noqa: F401  (registers the admins)
