"""Admin of 干部监督, one module per workflow."""

from . import discipline, files, handling, personal_matters, travel, vetting  # noqa: F401
