"""Read queries over the store, one module per feature: the analytics ask these for rows.

Every function takes a read connection and plain arguments and returns rows or small
frozen dataclasses; the figures are computed by the analytics from them. SQL is kept in
the subset SQLite and PostgreSQL both speak where that costs nothing; where they differ,
both are here, picked with `mediatop.store.dialect`. SQLite's `TOTAL` is used on both
(the PostgreSQL store defines it in its baseline schema).
"""
