"""The reference web gateway of "Mon Compte": the citizen portal (and the HTTP API) over RPC.

``python -m gateway`` serves it; ``create_app(settings)`` builds the Flask application.
See docs/gateway.md.
"""
