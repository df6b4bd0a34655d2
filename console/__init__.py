"""The agents' console (SPEC §19, docs/console.md): the back office a Caf agent uses, its own
process (``python -m console``), cookie, host and CSP, never inside the citizen portal. Agents
sign in at the agency's OpenID provider (agency.py); every call to a service carries an access
token for that service, obtained by token exchange; the services decide (their agents' gate)."""
