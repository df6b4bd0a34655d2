"""FranceConnect login (spec §9): identity as an OpenID Connect relying party of FranceConnect.

- :mod:`.config` — what the settings say (issuer, client, redirect URIs, lifetimes);
- :mod:`.provider` — the provider over HTTP: discovery and keys (cached), token, userinfo;
- :mod:`.tokens` — ID token and signed userinfo verification (signature, iss, aud, exp, nonce,
  acr), each refusal with a reason code;
- :mod:`.pivot` — the pivot identity and the rules that match it to accounts;
- :mod:`.records` — what the store keeps: authorization requests (state, nonce), links, pending
  links, FranceConnect sessions (for the logout's ``id_token_hint``);
- :mod:`.commands` — the journeys: start, callback, link after a password login, logout.

The outcome codes and the matching rules are documented in ``docs/franceconnect.md``.
"""
