"""Tracked events: one from the CLI, many from a JSONL file."""
