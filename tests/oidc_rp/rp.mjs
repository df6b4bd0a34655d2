// A relying party of Caf connect written with openid-client (a certified OpenID Connect RP
// library, not ours): the browser tests drive a person through it, and `make run` serves it as
// the demonstration client (docs/oidc-provider.md).
//
//   node tests/oidc_rp/rp.mjs ISSUER CLIENT_ID PORT [OTHER_CLIENT_ID]
//
// GET /             a page with « Se connecter avec Caf connect »
// GET /login        the authorization request: PKCE S256, state, nonce (?prompt=…, ?steal=1)
// GET /callback     the code exchanged by openid-client (state, iss, nonce, ID token checked),
//                   userinfo fetched; then the same code again (a replay) must be refused; with
//                   ?steal=1 another client first tries the code (it must be refused)
// GET /logout      RP-initiated logout: openid-client's buildEndSessionUrl with the last ID token
//                   as id_token_hint, post_logout_redirect_uri /logged-out and a fresh state
//                   (?hint=0: without the ID token, as a forged link would be)
// GET /logged-out   where Mon Compte sends the browser back: the state must be the one sent
// The result is a page whose <pre id="result"> holds JSON: claims, userinfo, refusals.
import http from 'node:http'
import * as client from 'openid-client'

const [issuer, clientId, port, otherClientId] = process.argv.slice(2)
const insecure = issuer.startsWith('http://') ? { execute: [client.allowInsecureRequests] } : {}
const config = await client.discovery(new URL(issuer), clientId, undefined, client.None(), insecure)
const other = otherClientId
  ? await client.discovery(new URL(issuer), otherClientId, undefined, client.None(), insecure)
  : null
const redirectUri = `http://127.0.0.1:${port}/callback`
const pending = new Map() // state -> {verifier, nonce, steal}
const loggingOut = new Set() // the states of logout requests sent
let lastIdToken = null

function page (res, status, title, body) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  res.end(`<!doctype html><html lang="fr"><meta charset="utf-8"><title>${title}</title>` +
    `<h1>${title}</h1>${body}</html>`)
}

function escape (text) {
  return text.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])
}

async function refusal (attempt) {
  try {
    await attempt()
    return 'accepted'
  } catch (error) {
    return error.error || error.code || String(error)
  }
}

async function callback (url, res) {
  const state = url.searchParams.get('state')
  const kept = pending.get(state)
  if (!kept) return page(res, 400, 'Retour inattendu', '<p>Aucune demande en cours.</p>')
  pending.delete(state)
  const checks = { pkceCodeVerifier: kept.verifier, expectedState: state, expectedNonce: kept.nonce, idTokenExpected: true }
  const result = {}
  if (kept.steal && other) {
    result.stolen = await refusal(() => client.authorizationCodeGrant(other, url, checks))
  }
  try {
    const tokens = await client.authorizationCodeGrant(config, url, checks)
    const claims = tokens.claims()
    result.claims = claims
    lastIdToken = tokens.id_token
    result.access_token = tokens.access_token
    result.userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
  } catch (error) {
    result.error = error.error || error.code || String(error)
  }
  result.replayed = await refusal(() => client.authorizationCodeGrant(config, url, checks))
  page(res, 200, result.error ? 'Connexion refusée' : 'Connecté avec Caf connect',
    `<pre id="result">${escape(JSON.stringify(result, null, 2))}</pre><p><a href="/">Recommencer</a></p>` +
    '<p><a href="/logout">Se déconnecter</a></p>')
}

http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://127.0.0.1:${port}`)
  try {
    if (url.pathname === '/') {
      return page(res, 200, 'Application de démonstration',
        '<p><a id="login" href="/login">Se connecter avec Caf connect</a></p>')
    }
    if (url.pathname === '/login') {
      const verifier = client.randomPKCECodeVerifier()
      const state = client.randomState()
      const nonce = client.randomNonce()
      pending.set(state, { verifier, nonce, steal: url.searchParams.get('steal') === '1' })
      const parameters = {
        redirect_uri: redirectUri,
        scope: url.searchParams.get('scope') || 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce
      }
      if (url.searchParams.get('prompt')) parameters.prompt = url.searchParams.get('prompt')
      res.writeHead(302, { location: client.buildAuthorizationUrl(config, parameters).href })
      return res.end()
    }
    if (url.pathname === '/callback') return await callback(url, res)
    if (url.pathname === '/logout') {
      const state = client.randomState()
      loggingOut.add(state)
      const parameters = { post_logout_redirect_uri: `http://127.0.0.1:${port}/logged-out`, state }
      if (url.searchParams.get('hint') !== '0' && lastIdToken) parameters.id_token_hint = lastIdToken
      res.writeHead(302, { location: client.buildEndSessionUrl(config, parameters).href })
      return res.end()
    }
    if (url.pathname === '/logged-out') {
      const known = loggingOut.delete(url.searchParams.get('state'))
      return page(res, 200, 'Déconnecté de Caf connect',
        `<pre id="result">${escape(JSON.stringify({ logged_out: true, state_matches: known }))}</pre>`)
    }
    page(res, 404, 'Introuvable', '')
  } catch (error) {
    page(res, 500, 'Erreur', `<pre id="result">${escape(JSON.stringify({ error: error.error || error.code || String(error) }))}</pre>`)
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`relying party on http://127.0.0.1:${port}`))
