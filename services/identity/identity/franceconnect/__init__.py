"""FranceConnect login (spec §9): identity as an OpenID Connect relying party of FranceConnect.

- :mod:`.config` — what the settings say (issuer, client, redirect URIs, lifetimes);
- :mod:`.provider` — the provider over HTTP: discovery and keys (cached), token, userinfo;
- :mod:`.tokens` — ID token and signed userinfo verification (signature, iss, aud, exp, nonce,
  acr), each refusal with a reason code;
- :mod:`.pivot` — the pivot identity and the rules that match it to accounts;
- :mod:`.journey` — :class:`FranceConnect`, the journeys: start and callback (:mod:`.trip`,
  :mod:`.sign_in`), link after a password login (:mod:`.linking`), logout (:mod:`.logout`).

What the store keeps (authorization requests, links, pending links, FranceConnect sessions) are
aggregates of :mod:`identity.domain.franceconnect`.

The outcome codes and the matching rules are documented in ``docs/franceconnect.md``.
"""
