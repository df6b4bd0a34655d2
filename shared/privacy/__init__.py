"""Retention and data protection: the retention table and the documents made from it."""
