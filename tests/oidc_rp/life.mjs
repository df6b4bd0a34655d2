// A confidential relying party of Caf connect written with openid-client (certified, not ours),
// for the token life cycle's tests (issue #34): private_key_jwt with a key the test made, refresh
// with rotation, reuse detection, introspection, revocation, tokens after a logout, and the
// back-channel logout token the provider sends when the portal session ends.
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
// POST /backchannel-logout   the provider's logout token (OpenID Connect Back-Channel Logout 1.0
//                 §2.6), validated with jose (openid-client's own JOSE library; openid-client 6
//                 has no back-channel receiver): signature by the issuer's JWKS, typ logout+jwt,
//                 iss, aud, iat, exp, jti never seen before, sid, the event, no nonce; 200 when
//                 valid, 400 otherwise
// GET /logouts    the logout tokens received: the session they end and whether each was valid
// Every answer is a page whose <pre id="result"> holds JSON.
import http from 'node:http'
import { webcrypto } from 'node:crypto'
import * as client from 'openid-client'
import { createRemoteJWKSet, jwtVerify } from 'jose'

const [issuer, clientId, port] = process.argv.slice(2)
const jwk = JSON.parse(process.env.RP_PRIVATE_JWK)
const key = await webcrypto.subtle.importKey(
  'jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign'])
const insecure = issuer.startsWith('http://') ? { execute: [client.allowInsecureRequests] } : {}
const config = await client.discovery(
  new URL(issuer), clientId, undefined, client.PrivateKeyJwt({ key, kid: jwk.kid }), insecure)
const redirectUri = `http://127.0.0.1:${port}/callback`
const pending = new Map() // state -> {verifier, nonce}
let kept = null // {first, access, refresh, sub, sid}
const logouts = [] // what POST /backchannel-logout received: {sid, sub, jti, valid, error}
const seenJti = new Set()
const metadata = config.serverMetadata()
const providerKeys = createRemoteJWKSet(new URL(metadata.jwks_uri))
const LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout'

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
  const sid = tokens.claims().sid
  kept = { first: tokens.refresh_token, access: third.access_token, refresh: third.refresh_token, sub, sid }
  const refreshTokens = new Set([tokens.refresh_token, second.refresh_token, third.refresh_token])
  return { sub, sid, refresh_tokens: refreshTokens.size, ...(await live(third.access_token)) }
}

async function readBody (req) {
  const chunks = []
  for await (const chunk of req) chunks.push(chunk)
  return Buffer.concat(chunks).toString()
}

async function backchannelLogout (req, res) {
  const form = new URLSearchParams(await readBody(req))
  const received = { valid: false }
  try {
    if (!(req.headers['content-type'] || '').startsWith('application/x-www-form-urlencoded')) {
      throw new Error('not a form')
    }
    const { payload, protectedHeader } = await jwtVerify(form.get('logout_token'), providerKeys, {
      issuer: metadata.issuer, audience: clientId, typ: 'logout+jwt', algorithms: ['ES256'],
      requiredClaims: ['iat', 'exp', 'jti', 'sid', 'events'], maxTokenAge: '2m'
    })
    if (!payload.events || typeof payload.events[LOGOUT_EVENT] !== 'object') throw new Error('no logout event')
    if ('nonce' in payload) throw new Error('a nonce')
    if (seenJti.has(payload.jti)) throw new Error('jti replayed')
    seenJti.add(payload.jti)
    Object.assign(received, { valid: true, kid: protectedHeader.kid, sid: payload.sid, sub: payload.sub, jti: payload.jti })
  } catch (error) {
    received.error = error.code || String(error)
  }
  logouts.push(received)
  res.writeHead(received.valid ? 200 : 400, { 'cache-control': 'no-store' })
  res.end()
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
    if (url.pathname === '/backchannel-logout' && req.method === 'POST') return await backchannelLogout(req, res)
    if (url.pathname === '/logouts') return page(res, { sid: kept && kept.sid, sub: kept && kept.sub, logouts })
    res.writeHead(404)
    res.end()
  } catch (error) {
    page(res, { error: error.error || error.code || String(error) })
  }
}).listen(Number(port), '127.0.0.1', () => console.log(`relying party on http://127.0.0.1:${port}`))
