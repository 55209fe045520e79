"""Duplicates: exact copies and near-duplicate images."""
