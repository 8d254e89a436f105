"""Bring articles in from other places: one module a format, one shared write path (writer.py)."""
