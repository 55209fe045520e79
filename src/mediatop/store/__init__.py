"""The SQLite store: schema, migrations, connections and the writers that own each table.

Sources (scan, ingest, track) write through this package; analytics read through it.
Nothing here imports a face.
"""

from mediatop.store.connection import (
    SCHEMA_VERSION,
    StoreCorruptError,
    StoreError,
    StoreTooNewError,
    connect,
    connect_async,
    database_file,
    transaction,
)

__all__ = [
    "SCHEMA_VERSION",
    "StoreCorruptError",
    "StoreError",
    "StoreTooNewError",
    "connect",
    "connect_async",
    "database_file",
    "transaction",
]
