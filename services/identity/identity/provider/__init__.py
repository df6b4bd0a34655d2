"""Mon Compte as an OpenID provider (« Caf connect », spec §18): what identity keeps of it.

The authorization server itself (Authlib, the client registry, the signing keys, the pages) runs
in the gateway (gateway/oidc/); every piece of state it needs lives here, in identity's
event-sourced store, so that any gateway replica can carry on a flow another one began:

- ``records``: :class:`ClientGrant` (what a person allowed one client: the scopes consented; the
  anchor of #34's refresh families and revocation) and :class:`AuthorizationCode` (one code,
  single use, bound to its client, redirect URI, PKCE challenge, nonce and the portal session
  it came from: the provider's sessions *are* the portal's sessions, ``sid`` is their id);
- ``journey``: :class:`Provider`, the RPC methods' journey (authorize, redeem, userinfo);
- ``claims``: ``acr``/``amr`` values and the subject (``sub``) of a person for a client.

docs/architecture.md says why identity and not a service of its own; docs/oidc-provider.md is
the developers' guide.
"""
