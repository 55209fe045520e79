"""The store, a SQLite file or a PostgreSQL database: schema, migrations, connections and
the writers that own each table.

Sources (scan, ingest, track) write through this package; analytics read through it.
Nothing here imports a face.
"""

from mediatop.errors import StoreCorruptError, StoreError, StoreReadOnlyError, StoreTooNewError
from mediatop.store.access import write_problem
from mediatop.store.connection import (
    connect,
    connect_async,
    database_file,
    transaction,
)
from mediatop.store.migration_files import SCHEMA_VERSION

__all__ = [
    "SCHEMA_VERSION",
    "StoreCorruptError",
    "StoreError",
    "StoreReadOnlyError",
    "StoreTooNewError",
    "connect",
    "connect_async",
    "database_file",
    "transaction",
    "write_problem",
]
