"""Optimisation opportunities across types."""
