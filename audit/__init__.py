"""The audit and privacy tool over the four stores: ``python -m audit --help`` (docs/audit.md)."""
