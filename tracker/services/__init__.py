"""Queries and changes. Services flush; the caller (a view, a CLI command, a job) commits."""
