"""Requests of the RPC contract as marshmallow schemas, one module per service whose requests a
gateway also checks: the service loads them at its edge, the gateway validates with the same
ones before sending (no second declaration to drift)."""
