// A real, independent OpenID provider for the backend/oauth tests, built on
// oauth2-mock-server (pinned in package.json).
//
//   node server.mjs [port] [--alg=RS256]
//
// It listens on 127.0.0.1 (port 0 = any free port), prints the issuer URL as
// the first line on stdout, and runs until stdin closes or it gets SIGTERM,
// so it never outlives the test process that started it.
//
// Which parts are whose. The library (oauth2-mock-server) does discovery,
// the authorization redirect, the token endpoint, token signing and JWKS.
// Everything below the imports is OUR OWN CODE, written for these tests, so
// the checks that rest on it only show that the client agrees with what we
// wrote, not with an independent server:
//   - PKCE with S256 is required (error=invalid_request otherwise), and a
//     code issued with a challenge needs its code_verifier (beforeAuthorizeRedirect,
//     beforeResponse);
//   - the token response's scope is the scope granted: what was requested
//     at the authorization endpoint, and refresh_token_expires_in is set;
//   - every token is unique (jti), access tokens name their client_id;
//   - ID tokens and userinfo carry a profile (name, email, username, picture);
//   - revocation (RFC 7009) is recorded by us, and introspection (RFC 7662)
//     is answered entirely by us: the library's /introspect always says
//     active, so "inactive after revoke" and "refused at /userinfo after
//     revoke" are our behaviour, as is client authentication at both
//     endpoints, and the form-body parsing for them (the server at the end).
// The certified OpenID provider of the conformance work is meant to carry
// the revocation, introspection and userinfo checks; until then they are
// checks against this file.
//
// Scenarios are chosen by the client id, so one server serves every test:
//   deny             the user declines: error=access_denied at /authorize
//   refuse-scope     error=invalid_scope at /authorize
//   token-500        the token endpoint answers HTTP 500 server_error
//   invalid-client   the token endpoint answers HTTP 401 invalid_client
//   bad-nonce        the ID token carries a nonce other than the one sent
//   partial-consent  the user unticks the last requested scope
//   revoke-503       the revocation endpoint answers HTTP 503
// Set MOCK_OAUTH_DEBUG=1 to log each request on stderr.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { OAuth2Server } from 'oauth2-mock-server';

const args = process.argv.slice(2);
const port = Number(args.find((a) => !a.startsWith('--')) ?? 0);
const alg = (args.find((a) => a.startsWith('--alg=')) ?? '--alg=RS256').slice('--alg='.length);
const debug = process.env.MOCK_OAUTH_DEBUG === '1';

const PROFILE = {
  name: 'John Doe',
  email: 'john.doe@example.com',
  email_verified: true,
  preferred_username: 'johndoe',
  picture: 'https://example.com/johndoe.png',
};

const oauth = new OAuth2Server();
await oauth.issuer.keys.generate(alg);
const service = oauth.service;

const codes = new Map(); // code -> { clientId, scope, pkce }
const tokens = new Map(); // access or refresh token -> { clientId, scope, exp }
const revoked = new Set();

// clientIdOf reads the client id from HTTP Basic auth or the form body.
function clientIdOf(req) {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Basic ')) {
    const decoded = Buffer.from(auth.slice(6), 'base64').toString();
    return decodeURIComponent(decoded.split(':')[0].replace(/\+/g, ' '));
  }
  return req.body?.client_id ?? req.body?.client_key;
}

// Our own: PKCE enforcement and the consent scenarios.
service.on('beforeAuthorizeRedirect', (redirect, req) => {
  const params = redirect.url.searchParams;
  const code = params.get('code');
  const clientId = req.query.client_id;
  const fail = (error, description) => {
    params.delete('code');
    params.set('error', error);
    params.set('error_description', description);
  };
  if (!code) return;
  if (req.query.code_challenge_method !== 'S256' || !req.query.code_challenge) {
    fail('invalid_request', 'PKCE with code_challenge_method=S256 is required.');
  } else if (clientId === 'deny') {
    fail('access_denied', 'The resource owner denied the request.');
  } else if (clientId === 'refuse-scope') {
    fail('invalid_scope', 'The requested scope is invalid, unknown, or malformed.');
  } else {
    codes.set(code, { clientId, scope: req.query.scope ?? '', pkce: true });
  }
});

// Our own: unique tokens and the profile claims.
service.on('beforeTokenSigning', (token, req) => {
  // Every token is unique, as with a real provider (the library's access
  // tokens are otherwise equal for all clients within one second).
  token.payload.jti = randomUUID();
  if ('scope' in token.payload) {
    token.payload.client_id = clientIdOf(req);
    return; // an access token
  }
  Object.assign(token.payload, PROFILE);
  if (clientIdOf(req) === 'bad-nonce') token.payload.nonce = 'not-the-nonce-that-was-sent';
});

// Our own: code_verifier presence, token-endpoint failures, granted scope,
// and the token registry that introspection answers from.
service.on('beforeResponse', (response, req) => {
  const clientId = clientIdOf(req);
  const grant = req.body.grant_type === 'authorization_code' ? codes.get(req.body.code) : undefined;
  if (req.body.grant_type === 'authorization_code') {
    codes.delete(req.body.code);
    if (!grant || (grant.pkce && !req.body.code_verifier)) {
      response.statusCode = 400;
      response.body = { error: 'invalid_grant', error_description: 'Unknown code, or code_verifier missing.' };
      return;
    }
  }
  if (clientId === 'token-500') {
    response.statusCode = 500;
    response.body = { error: 'server_error', error_description: 'The mock token service failed on purpose.' };
    return;
  }
  if (clientId === 'invalid-client') {
    response.statusCode = 401;
    response.body = { error: 'invalid_client', error_description: 'Client authentication failed.' };
    return;
  }
  if (response.statusCode !== 200) return;
  let scope = grant ? grant.scope : response.body.scope;
  if (clientId === 'partial-consent') scope = scope.split(' ').slice(0, -1).join(' ');
  response.body.scope = scope;
  response.body.refresh_token_expires_in = 365 * 24 * 3600;
  const exp = Math.floor(Date.now() / 1000) + response.body.expires_in;
  tokens.set(response.body.access_token, { clientId, scope, exp });
  if (response.body.refresh_token) tokens.set(response.body.refresh_token, { clientId, scope });
});

// Our own: userinfo refuses unknown and revoked tokens (the library answers
// for any bearer token).
service.on('beforeUserinfo', (response, req) => {
  const auth = req.headers.authorization ?? '';
  const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
  if (!tokens.has(token) || revoked.has(token)) {
    response.statusCode = 401;
    response.body = { error: 'invalid_token', error_description: 'The access token is not valid.' };
    return;
  }
  response.body = { sub: 'johndoe', ...PROFILE };
});

// Our own: revocation is remembered here; the library forgets it.
service.on('beforeRevoke', (response, req) => {
  const clientId = clientIdOf(req);
  if (!clientId) {
    response.statusCode = 401;
    return;
  }
  if (clientId === 'revoke-503') {
    response.statusCode = 503;
    return;
  }
  revoked.add(req.body?.token);
});

// Our own: the whole introspection answer. The library's /introspect says
// active for every token, so without this no test could see a revoked or
// expired token as inactive.
service.on('beforeIntrospect', (response, req) => {
  const clientId = clientIdOf(req);
  if (!clientId) {
    response.statusCode = 401;
    response.body = { error: 'invalid_client' };
    return;
  }
  const t = tokens.get(req.body?.token);
  if (!t || revoked.has(req.body?.token) || (t.exp && t.exp < Date.now() / 1000)) {
    response.body = { active: false };
    return;
  }
  response.body = {
    active: true,
    scope: t.scope,
    client_id: t.clientId,
    sub: 'johndoe',
    username: PROFILE.preferred_username,
    token_type: 'Bearer',
    ...(t.exp ? { exp: t.exp } : {}),
  };
});

// Our own: the library's /revoke and /introspect routes do not parse form bodies;
// read them here so the hooks above can see token and client_id.
const handler = service.requestHandler;
const server = createServer((req, res) => {
  if (debug) process.stderr.write(`${req.method} ${req.url}\n`);
  const path = req.url.split('?')[0];
  const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
  if (req.method !== 'POST' || !form || (path !== '/revoke' && path !== '/introspect')) {
    handler(req, res);
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size <= 1 << 16) chunks.push(c);
  });
  req.on('end', () => {
    req.body = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
    handler(req, res);
  });
});

await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(port, '127.0.0.1', resolve);
});
oauth.issuer.url = `http://127.0.0.1:${server.address().port}`;
process.stdout.write(`${oauth.issuer.url}\n`);

const stop = () => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
