"""The HTTP JSON API ``/api/v1/``: the citizen journeys for the mobile back end and the gateways
that do not speak AMQP (spec §15). No back-office method is exposed here.

``install.install(app, settings)`` mounts it on the portal's application (``gateway/app.py``).
docs/http-api.md describes every operation; docs/openapi.json is its OpenAPI document.
"""
