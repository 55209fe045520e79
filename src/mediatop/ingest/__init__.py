"""Event capture: access logs, tracked events (JSONL, CLI) and usage locations into the store.

Everything here writes through `mediatop.store` (events, locations, checkpoints), so
every source gets the same rollups and exactly-once bookkeeping.
"""
