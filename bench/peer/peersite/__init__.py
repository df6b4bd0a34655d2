"""The peer of ``make bench``: the login of a Django 5.2 + django-axes 8.3 site, as a Python team
would build it (database sessions, argon2id at the platform's parameters, PostgreSQL)."""
