// A stand-in for Facebook Login and the Graph API v25.0 on 127.0.0.1, for
// tests/e2e/pages.sh. It answers with the bodies Meta documents: the login
// dialog redirects back to the app's loopback redirect_uri with a code and
// the state; /oauth/access_token trades the code (authorization_code) for a
// short-lived user token and fb_exchange_token for a long-lived one;
// debug_token, /me, /me/permissions and /me/accounts answer for the tokens
// it issued, checking the app token and appsecret_proof as Graph does.
//
// The person manages Pages 111 (Acme Bakery) and 222 (Acme Cafe) and ticks
// both in the dialog, until the test says otherwise with
//   POST /__control/next-login {"pages":["111"]}
// which is what the person ticks at the next login (the Page left out is
// "unticked in Facebook's dialog"). A Page token stays valid while the
// newest login still grants its Page.
//
// Every token carries "-e2e-SECRET-" so pages.sh can prove none reaches the
// data folder or a log.
//
//   node graph-fake.mjs APP_ID APP_SECRET   (prints its base URL, then serves)
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';

const [appID, appSecret] = process.argv.slice(2);
if (!appID || !appSecret) {
  console.error('usage: node graph-fake.mjs APP_ID APP_SECRET');
  process.exit(2);
}

const USER = { id: '10158', name: 'Jane Doe', email: 'jane@example.com' };
const PAGES = {
  111: { name: 'Acme Bakery', category: 'Bakery', tasks: ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] },
  222: { name: 'Acme Cafe', category: 'Cafe', tasks: ['ANALYZE', 'CREATE_CONTENT'] },
};
const DATA_ACCESS_DAYS = 90; // data access lasts 90 days from the login
const LONG_LIVED = 5183944; // seconds, as in Meta's example

let nextTicked = Object.keys(PAGES); // what the person ticks at the next login
let granted = []; // the Pages the newest login granted
let grantedScopes = []; // and its permissions
let logins = 0;
const codes = new Map(); // code -> {redirectURI, pages}
const tokens = new Map(); // token -> {type: 'USER'|'PAGE', pages?, page?, issued, expires}

const now = () => Math.floor(Date.now() / 1000);
const proof = (token) => createHmac('sha256', appSecret).update(token).digest('hex');

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

// graphError is Graph's documented error body.
function graphError(res, status, code, message, subcode) {
  const error = { message, type: 'OAuthException', code, fbtrace_id: 'AWhsZc4nTbKEx7q_dOcFhY1' };
  if (subcode) error.error_subcode = subcode;
  send(res, status, { error });
}

function issue(kind, info) {
  const token = `EAAfake-e2e-SECRET-${kind}-${logins}-${Math.random().toString(36).slice(2, 10)}`;
  tokens.set(token, { issued: now(), ...info });
  return token;
}

/** The user token of a Graph call, after Graph's own checks; null when it answered already. */
function userToken(q, res) {
  const t = q.get('access_token') ?? '';
  const info = tokens.get(t);
  if (!info || info.type !== 'USER') {
    graphError(res, 400, 190, 'Invalid OAuth access token - Cannot parse access token');
    return null;
  }
  if (q.get('appsecret_proof') !== proof(t)) {
    graphError(res, 400, 100, 'Invalid appsecret_proof provided in the API argument');
    return null;
  }
  return info;
}

async function body(req) {
  let s = '';
  for await (const chunk of req) s += chunk;
  return s;
}

const routes = {
  'GET /v25.0/dialog/oauth': (q, res) => {
    const redirect = q.get('redirect_uri') ?? '';
    const host = URL.canParse(redirect) ? new URL(redirect).hostname : '';
    if (q.get('client_id') !== appID || !['127.0.0.1', 'localhost'].includes(host)) {
      return send(res, 400, 'Invalid App ID or redirect_uri', { 'content-type': 'text/plain' });
    }
    // The person logs in and ticks the Pages; "Continue" redirects back.
    logins++;
    const code = `AQfake-e2e-SECRET-code-${logins}`;
    // The person allows every permission asked for.
    const scopes = (q.get('scope') ?? 'public_profile').split(',').filter(Boolean);
    codes.set(code, { redirectURI: redirect, pages: [...nextTicked], scopes });
    const to = new URL(redirect);
    to.searchParams.set('code', code);
    to.searchParams.set('state', q.get('state') ?? '');
    res.writeHead(302, { location: to.href });
    res.end();
  },
  'POST /v25.0/oauth/access_token': (q, res) => routes['GET /v25.0/oauth/access_token'](q, res),
  'GET /v25.0/oauth/access_token': (q, res) => {
    if (q.get('client_id') !== appID || q.get('client_secret') !== appSecret) {
      return graphError(res, 400, 101, 'Error validating application. Invalid application ID.');
    }
    if (q.get('grant_type') === 'fb_exchange_token') {
      const old = tokens.get(q.get('fb_exchange_token') ?? '');
      if (!old || old.type !== 'USER') return graphError(res, 400, 190, 'Invalid OAuth access token - Cannot parse access token');
      const token = issue('long', { type: 'USER', pages: old.pages, scopes: old.scopes, expires: now() + LONG_LIVED });
      return send(res, 200, { access_token: token, token_type: 'bearer', expires_in: LONG_LIVED });
    }
    const grant = codes.get(q.get('code') ?? '');
    if (!grant || grant.redirectURI !== q.get('redirect_uri')) {
      return graphError(res, 400, 100, 'This authorization code has expired.', 36009);
    }
    codes.delete(q.get('code'));
    granted = grant.pages;
    grantedScopes = grant.scopes;
    const token = issue('short', { type: 'USER', pages: grant.pages, scopes: grant.scopes, expires: now() + 5400 });
    send(res, 200, { access_token: token, token_type: 'bearer', expires_in: 5400 });
  },
  'GET /v25.0/debug_token': (q, res) => {
    if (q.get('access_token') !== `${appID}|${appSecret}`) {
      return graphError(res, 400, 190, 'Invalid OAuth access token signature.');
    }
    const info = tokens.get(q.get('input_token') ?? '');
    if (!info) {
      return send(res, 200, { data: { error: { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }, is_valid: false, scopes: [] } });
    }
    const data = {
      app_id: appID, type: info.type, application: 'Tokenwarden Test', issued_at: info.issued,
      data_access_expires_at: info.issued + DATA_ACCESS_DAYS * 86400, is_valid: true,
      scopes: info.scopes ?? grantedScopes, user_id: USER.id,
    };
    if (info.type === 'USER') {
      data.expires_at = info.expires;
      data.granular_scopes = [
        { scope: 'pages_show_list', target_ids: info.pages },
        { scope: 'pages_read_engagement', target_ids: info.pages },
      ];
    } else {
      data.expires_at = 0; // a Page token from a long-lived user token does not expire
      data.profile_id = info.page;
      if (!granted.includes(info.page)) {
        data.is_valid = false;
        data.error = { code: 190, subcode: 458, message: `Error validating access token: The user has not authorized application ${appID}.` };
      }
    }
    send(res, 200, { data });
  },
  'GET /v25.0/me': (q, res) => {
    if (!userToken(q, res)) return;
    const out = { id: USER.id };
    for (const f of (q.get('fields') ?? 'id,name').split(',')) {
      if (f === 'name' || f === 'email') out[f] = USER[f];
      if (f === 'picture') out.picture = { data: { height: 50, is_silhouette: true, url: `http://127.0.0.1/picture/${USER.id}`, width: 50 } };
    }
    send(res, 200, out);
  },
  'GET /v25.0/me/permissions': (q, res) => {
    const user = userToken(q, res);
    if (!user) return;
    send(res, 200, { data: user.scopes.map((permission) => ({ permission, status: 'granted' })) });
  },
  'DELETE /v25.0/me/permissions': (q, res) => {
    if (!userToken(q, res)) return;
    send(res, 200, { success: true });
  },
  'GET /v25.0/me/accounts': (q, res) => {
    const user = userToken(q, res);
    if (!user) return;
    const data = user.pages.map((id) => ({
      access_token: issue(`page-${id}`, { type: 'PAGE', page: id }),
      category: PAGES[id].category,
      category_list: [{ id: '2500', name: PAGES[id].category }],
      name: PAGES[id].name,
      id,
      tasks: PAGES[id].tasks,
    }));
    send(res, 200, { data, paging: { cursors: { before: 'QVFIUkFB', after: 'QVFIUmxtX0' } } });
  },
  'POST /__control/next-login': (q, res, b) => {
    const pages = JSON.parse(b || '{}').pages;
    if (!Array.isArray(pages) || pages.some((id) => !PAGES[id])) return send(res, 400, { error: 'pages must list known Page ids' });
    nextTicked = pages;
    send(res, 200, { next_login: pages });
  },
};

const server = createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const b = await body(req);
  const q = new URLSearchParams(url.search);
  if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(b)) q.set(k, v);
  }
  const route = routes[`${req.method} ${url.pathname}`];
  console.error(`${req.method} ${url.pathname} -> ${route ? 'route' : 404}`); // paths only: no tokens in the log
  if (!route) return graphError(res, 404, 803, `(#803) Some of the aliases you requested do not exist: ${url.pathname}`);
  try {
    route(q, res, b);
  } catch (err) {
    send(res, 500, { error: String(err) });
  }
});
server.listen(0, '127.0.0.1', () => console.log(`http://127.0.0.1:${server.address().port}`));
