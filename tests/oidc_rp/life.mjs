// A confidential relying party of Caf connect written with openid-client (certified, not ours),
// for the token life cycle's tests (issue #34): private_key_jwt with a key the test made, refresh
// with rotation, reuse detection, introspection, revocation, and tokens after a logout.
//
//   RP_PRIVATE_JWK='{"kty":"EC",…}' node tests/oidc_rp/life.mjs ISSUER CLIENT_ID PORT
//
// GET /login      the authorization request (PKCE S256, state, nonce)
// GET /callback   the code exchanged (private_key_jwt), then refreshed twice (each answer must
//                 carry a new refresh token), the last access token introspected and used at
//                 userinfo; the first refresh token and the last tokens are kept
// GET /reuse      the first (spent) refresh token presented again, then the live one, then the
//                 last access token at introspection and userinfo
// GET /check      the last tokens kept: refresh, introspection, userinfo (after a logout)
// Every answer is a page whose <pre id="result"> holds JSON.
import http from 'node:http'
import { webcrypto } from 'node:crypto'
import * as client from 'openid-client'

const [issuer, clientId, port] = process.argv.slice(2)
const jwk = JSON.parse(process.env.RP_PRIVATE_JWK)
const key = await webcrypto.subtle.importKey(
  'jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
const insecure = issuer.startsWith('http://') ? { execute: [client.allowInsecureRequests] } : {}
const config = await client.discovery(
  new URL(issuer), clientId, undefined, client.PrivateKeyJwt({ key, kid: jwk.kid }), insecure)
const redirectUri = `http://127.0.0.1:${port}/callback`
const pending = new Map() // state -> {verifier, nonce}
let kept = null // {first, access, refresh, sub}

function page (res, result) {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
  const json = JSON.stringify(result, null, 2).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])
  res.end(`<!doctype html><html lang="fr"><meta charset="utf-8"><title>Résultat</title><h1>Résultat</h1><pre id="result">${json}</pre></html>`)
}

async function outcome (attempt) {
  try {
    await attempt()
    return 'accepted'
  } catch (error) {
    return error.error || error.code || String(error)
  }
}

async function live (access) {
  const introspected = await client.tokenIntrospection(config, access)
  const userinfo = await outcome(() => client.fetchUserInfo(config, access, kept.sub))
  return { active: introspected.active, userinfo }
}

async function callback (url) {
  const state = url.searchParams.get('state')
  const held = pending.get(state)
  pending.delete(state)
  const tokens = await client.authorizationCodeGrant(config, url, {
    pkceCodeVerifier: held.verifier, expectedState: state, expectedNonce: held.nonce, idTokenExpected: true
  })
  const sub = tokens.claims().sub
  const second = await client.refreshTokenGrant(config, tokens.refresh_token)
  const third = await client.refreshTokenGrant(config, second.refresh_token)
  kept = { first: tokens.refresh_token, access: third.access_token, refresh: third.refresh_token, sub }
  const refreshTokens = new Set([tokens.refresh_token, second.refresh_token, third.refresh_token])
  return { sub, refresh_tokens: refreshTokens.size, ...(await live(third.access_token)) }
}

async function reuse () {
  const reused = await outcome(() => client.refreshTokenGrant(config, kept.first))
  const liveAfter = await outcome(() => client.refreshTokenGrant(config, kept.refresh))
  return { reused, live_after: liveAfter, ...(await live(kept.access)) }
}

async function check () {
  const refreshed = await outcome(() => client.refreshTokenGrant(config, kept.refresh))
  return { refresh: refreshed, ...(await live(kept.access)) }
}

http.createServer(async (req, res) => {
  const url = new URL(req.url, `http://127.0.0.1:${port}`)
  try {
    if (url.pathname === '/login') {
      const verifier = client.randomPKCECodeVerifier()
      const state = client.randomState()
      const nonce = client.randomNonce()
      pending.set(state, { verifier, nonce })
      const location = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: 'openid profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce
      })
      res.writeHead(302, { location: location.href })
      return res.end()
    }
    if (url.pathname === '/callback') return page(res, await callback(url))
    if (url.pathname === '/reuse') return page(res, await reuse())
    if (url.pathname === '/check') return page(res, await check())
    res.writeHead(404)
    res.end()
  } catch (error) {
    page(res, { error: error.error || error.code || String(error) })
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`relying party on http://127.0.0.1:${port}`))
