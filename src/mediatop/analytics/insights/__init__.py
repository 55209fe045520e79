"""Insights: findings in plain sentences with their figures and actions."""
