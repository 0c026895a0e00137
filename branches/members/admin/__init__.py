"""Members and recruitment in the admin: the roster and transfers, the pipeline, dues,
the yearly 民主评议党员."""

from . import appraisals, dues, pipeline, roster  # noqa: F401  (registers the admins)
