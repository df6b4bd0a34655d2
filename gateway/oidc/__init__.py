"""Caf connect: Mon Compte as the agency's OpenID provider (spec §18, docs/oidc-provider.md).

- ``keys``: the one ES256 key set (current, next, retired) and its rotation;
- ``server``: Authlib's authorization server (client credentials for the HTTP API, authorization
  code with PKCE S256 for Caf connect), its token generator and the bearer check;
- ``pages``: discovery, JWKS, the authorization endpoint, consent, token and userinfo;
- ``backchannel``: the back-channel logout sender, a process of its own
  (``python -m gateway.oidc.backchannel``; issue #34).

The client registry is ``gateway/api_clients.py``; every piece of state lives in identity
(services/identity/identity/provider/), never in a gateway's memory.
"""
