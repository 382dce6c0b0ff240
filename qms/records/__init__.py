"""Quality records: retention table, records and their files, disposition.

The search kind ``record`` is registered on import (``qms.records.indexing``), so every
process that loads the models (web, CLI, tests) can index and search records.
"""
from qms.records import indexing  # noqa: F401  (registers the "record" search kind)
