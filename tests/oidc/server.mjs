// oidc-provider (panva's OpenID Certified implementation, pinned in
// package.json) configured per run for the backend/conformance matrix.
//
//   node server.mjs '<config JSON>'
//
// It listens on 127.0.0.1 on a free port, prints the issuer URL as the first
// line on stdout, and runs until stdin closes or it gets SIGTERM, so it never
// outlives the test process that started it.
//
// The config JSON (every member optional but clients):
//   clients                    oidc-provider client metadata, as registered
//   rotateRefreshToken         true: every refresh rotates the refresh token,
//                              and reusing a rotated one revokes the grant
//   omitRefreshTokenOnRefresh  the refresh response carries no refresh_token
//   omitExpiresIn              token responses carry no expires_in
//   accessTokenFormat          "opaque" (default) or "jwt" (RFC 9068)
//   refreshTokenWithoutOffline true: issue a refresh token whether or not
//                              offline_access was granted (as Keycloak does);
//                              false: only with offline_access, which OIDC
//                              Core §11 grants only with prompt=consent
//   withholdScopes             scopes the user does not grant at consent
//   introspectionRequiresClientAuth  a caller with no client credentials gets
//                              401 invalid_client at introspection (RFC 7662)
//   tokensFile                 every code and token issued is appended here,
//                              one JSON object a line with t, when it was
//                              issued (Unix ms), so the test can look for
//                              them where they must not be; each token
//                              request is also logged as it arrives
//                              (token-request) and is answered (token-answer)
//
// The login and consent interactions finish themselves (user "johndoe"
// grants what is asked, less withholdScopes), so a client that follows
// redirects reaches the app's loopback callback.
//
// Control endpoint for the test, POST /control/<op>:
//   revoke-grants  the user revokes the app: every grant and its tokens go
//   rotate-keys    a new signing key replaces the old one (new kid)
//   forget         restart with no memory: grants, tokens, sessions are gone
//   tamper-id-token {"claim": "nonce"|"aud"|"iss"|"exp"|"signature"}: the
//                  next ID token from a code exchange is spoiled that way
//   spoil-token-response {"token_type": "MAC", ...}: these members replace
//                  those of the next code exchange's token response
// Set OIDC_DEBUG=1 to log each request on stderr.
import { appendFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import Provider from 'oidc-provider';

const config = JSON.parse(process.argv[2] ?? '{}');
const debug = process.env.OIDC_DEBUG === '1';
const RESOURCE = 'urn:tokenwarden:conformance:api';

const PROFILE = {
  sub: 'johndoe',
  name: 'John Doe',
  email: 'john.doe@example.com',
  email_verified: true,
  preferred_username: 'johndoe',
};

// MemoryAdapter keeps one generation of oidc-provider's models; "forget"
// starts a new generation, as a server restarted without storage would.
let generation = new Map();
class MemoryAdapter {
  constructor(model) {
    this.model = model;
  }
  key(id) {
    return `${this.model}:${id}`;
  }
  async upsert(id, payload, expiresIn) {
    const exp = expiresIn ? Date.now() + expiresIn * 1000 : Infinity;
    generation.set(this.key(id), { payload: { ...payload }, exp });
  }
  async find(id) {
    const e = generation.get(this.key(id));
    if (!e || e.exp < Date.now()) return undefined;
    return { ...e.payload };
  }
  async findByUid(uid) {
    for (const [k, e] of generation) {
      if (k.startsWith(`${this.model}:`) && e.payload.uid === uid) return { ...e.payload };
    }
    return undefined;
  }
  async findByUserCode(userCode) {
    for (const [k, e] of generation) {
      if (k.startsWith(`${this.model}:`) && e.payload.userCode === userCode) return { ...e.payload };
    }
    return undefined;
  }
  async consume(id) {
    const e = generation.get(this.key(id));
    if (e) e.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    generation.delete(this.key(id));
  }
  async revokeByGrantId(grantId) {
    for (const [k, e] of generation) {
      if (e.payload.grantId === grantId) generation.delete(k);
    }
  }
}

async function newSigningKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg: 'RS256', use: 'sig', kid: `k-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}` };
}

// logIssued appends entry with t, the time it was issued (Unix ms).
function logIssued(entry) {
  if (config.tokensFile) appendFileSync(config.tokensFile, `${JSON.stringify({ ...entry, t: Date.now() })}\n`);
}

let signingKey = await newSigningKey();
let tamper = ''; // the claim to spoil in the next ID token, see tamper-id-token
let spoilToken = null; // members to force into the next code exchange's answer

// spoilIDToken re-signs an ID token with one claim made wrong, or breaks
// its signature, as a forged or mixed-up answer would be.
async function spoilIDToken(raw, claim) {
  if (claim === 'signature') {
    const [h, p, s] = raw.split('.');
    const sig = Buffer.from(s, 'base64url');
    sig[0] ^= 0xff;
    return [h, p, sig.toString('base64url')].join('.');
  }
  const payload = decodeJwt(raw);
  const header = decodeProtectedHeader(raw);
  switch (claim) {
    case 'nonce': payload.nonce = 'not-the-nonce-that-was-sent'; break;
    case 'aud': payload.aud = 'some-other-client'; break;
    case 'iss': payload.iss = 'http://127.0.0.1:1/another-issuer'; break;
    case 'exp': payload.iat -= 7200; payload.exp = payload.iat + 3600; break;
    default: throw new Error(`unknown claim to tamper with: ${claim}`);
  }
  const key = await importJWK(signingKey, 'RS256');
  return new SignJWT(payload).setProtectedHeader(header).sign(key);
}

function providerConfig() {
  const jwt = config.accessTokenFormat === 'jwt';
  return {
    adapter: MemoryAdapter,
    clients: config.clients,
    jwks: { keys: [signingKey] },
    cookies: { keys: ['conformance-cookie-key'] },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username'], email: ['email', 'email_verified'] },
    scopes: ['openid', 'offline_access', 'profile', 'email'],
    pkce: { required: () => true },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ ...PROFILE, sub }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    rotateRefreshToken: () => Boolean(config.rotateRefreshToken),
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token')
      && (config.refreshTokenWithoutOffline !== false || code.scopes.has('offline_access')),
    ttl: { AccessToken: 3600, IdToken: 3600, RefreshToken: 14 * 24 * 3600, Grant: 14 * 24 * 3600, Session: 14 * 24 * 3600 },
    features: {
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: jwt,
        defaultResource: async () => RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async () => ({
          scope: 'profile email',
          audience: RESOURCE,
          accessTokenFormat: 'jwt',
          accessTokenTTL: 3600,
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
    renderError: async (ctx, out) => {
      ctx.type = 'text/plain';
      ctx.body = `oidc-provider error: ${out.error}: ${out.error_description ?? ''}`;
    },
  };
}

let provider;
let handler; // provider.callback() of the current build
let issuer;

function build() {
  provider = new Provider(issuer, providerConfig());
  provider.proxy = false;

  // Token responses: shaped as the configuration says, and every token
  // logged for the test's leak scan.
  provider.use(async (ctx, next) => {
    const tokenRequest = ctx.path === '/token' && ctx.method === 'POST';
    if (tokenRequest) logIssued({ kind: 'token-request' });
    try {
      await next();
    } finally {
      if (tokenRequest) logIssued({ kind: 'token-answer', status: ctx.status });
    }
    const location = ctx.response.get('Location') ?? '';
    if (location.includes('code=')) {
      const code = new URL(location).searchParams.get('code');
      if (code) logIssued({ kind: 'code', code });
    }
    if (ctx.path !== '/token' || ctx.method !== 'POST' || ctx.status !== 200 || typeof ctx.body !== 'object') return;
    const body = ctx.body;
    const grantType = ctx.oidc?.params?.grant_type;
    if (config.omitExpiresIn) delete body.expires_in;
    if (config.omitRefreshTokenOnRefresh && grantType === 'refresh_token') delete body.refresh_token;
    if (body.id_token && tamper && grantType === 'authorization_code') {
      body.id_token = await spoilIDToken(body.id_token, tamper);
      tamper = '';
    }
    if (spoilToken && grantType === 'authorization_code') {
      Object.assign(body, spoilToken);
      spoilToken = null;
    }
    logIssued({
      kind: 'token', grant_type: grantType, client_id: ctx.oidc?.client?.clientId,
      access_token: body.access_token, refresh_token: body.refresh_token, id_token: body.id_token,
    });
  });

  // RFC 7662 §2.1: the introspection endpoint requires client
  // authentication, as Keycloak's and most others' do. oidc-provider 9 lets
  // a public client introspect its own tokens, so this configuration turns
  // a caller without credentials away before it gets there.
  provider.use(async (ctx, next) => {
    if (!config.introspectionRequiresClientAuth || ctx.path !== '/token/introspection' || ctx.method !== 'POST') return next();
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const raw = Buffer.concat(chunks).toString();
    ctx.req.body = raw; // oidc-provider reads an already-read body from here
    const form = new URLSearchParams(raw);
    if (ctx.get('Authorization') || form.get('client_secret') || form.get('client_assertion')) return next();
    ctx.status = 401;
    ctx.set('WWW-Authenticate', 'Basic realm="introspection"');
    ctx.body = { error: 'invalid_client', error_description: 'client authentication is required to introspect tokens' };
    return undefined;
  });

  // The interactions finish themselves: login as johndoe, then consent to
  // what was asked less withholdScopes.
  provider.use(async (ctx, next) => {
    const m = ctx.path.match(/^\/interaction\/([^/]+)$/);
    if (!m || ctx.method !== 'GET') return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const { prompt, params, session } = details;
    let result;
    if (prompt.name === 'login') {
      result = { login: { accountId: PROFILE.sub } };
    } else if (prompt.name === 'consent') {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      const withheld = new Set(config.withholdScopes ?? []);
      // An unticked scope is rejected, not just left out, or consent would
      // be asked for again and again.
      const split = (scopes) => [scopes.filter((s) => !withheld.has(s)), scopes.filter((s) => withheld.has(s))];
      const [want, unticked] = split([...(prompt.details.missingOIDCScope ?? [])]);
      if (want.length) grant.addOIDCScope(want.join(' '));
      if (unticked.length) grant.rejectOIDCScope(unticked.join(' '));
      for (const [indicator, scopes] of Object.entries(prompt.details.missingResourceScopes ?? {})) {
        const [granted, refused] = split(scopes);
        if (granted.length) grant.addResourceScope(indicator, granted.join(' '));
        if (refused.length) grant.rejectResourceScope(indicator, refused.join(' '));
      }
      const claims = prompt.details.missingOIDCClaims ?? [];
      if (claims.length) grant.addOIDCClaims(claims);
      result = { consent: { grantId: await grant.save() } };
    } else {
      result = { error: 'access_denied', error_description: `unexpected prompt ${prompt.name}` };
    }
    await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: true });
    ctx.respond = false;
  });
  handler = provider.callback(); // composes the middleware above
}

async function control(op, body) {
  switch (op) {
    case 'revoke-grants':
      for (const [k] of [...generation]) {
        if (k.startsWith('Grant:')) {
          const grantId = k.slice('Grant:'.length);
          for (const [k2, e] of [...generation]) if (e.payload.grantId === grantId) generation.delete(k2);
          generation.delete(k);
        }
      }
      return;
    case 'rotate-keys':
      signingKey = await newSigningKey();
      build(); // same storage, new key set
      return;
    case 'forget':
      generation = new Map();
      build();
      return;
    case 'tamper-id-token':
      tamper = body.claim ?? '';
      return;
    case 'spoil-token-response':
      spoilToken = body;
      return;
    default:
      throw new Error(`unknown control operation ${op}`);
  }
}

const server = createServer((req, res) => {
  if (debug) process.stderr.write(`${req.method} ${req.url}\n`);
  if (req.url.startsWith('/control/') && req.method === 'POST') {
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      control(req.url.slice('/control/'.length), raw ? JSON.parse(raw) : {})
        .then(() => { res.writeHead(204); res.end(); })
        .catch((err) => { res.writeHead(400, { 'Content-Type': 'text/plain' }); res.end(String(err.message)); });
    });
    return;
  }
  handler(req, res);
});

server.listen(0, '127.0.0.1', () => {
  issuer = `http://127.0.0.1:${server.address().port}`;
  build();
  process.stdout.write(`${issuer}\n`);
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
