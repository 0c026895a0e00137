from tests.imports.conftest import media, start_worker  # noqa: F401  (real db_worker processes)
