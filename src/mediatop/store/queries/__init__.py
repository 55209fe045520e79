"""Read queries over the store, one module per feature: the analytics ask these for rows.

Every function takes a read connection and plain arguments and returns rows or small
frozen dataclasses; the figures are computed by the analytics from them. SQL is kept in
the subset PostgreSQL also speaks where that costs nothing; what is SQLite-only says so
in a `# SQLite-only:` comment.
"""
