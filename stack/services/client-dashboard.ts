// Model of client-dashboard: a login page that signs in through the auth API, and a dashboard page that shows the session's user and tier.
import type { ServiceContext, ServiceModule } from '../types';
import { bindRoutes } from './common/app';

export const TOKEN_KEY = 'certix.accessToken';
export const CACHE_KEY = 'certix.cachedProfile';

/**
 * The page's script. `keepCachedOnReject` is the stale-session fault: a rejected token leaves the page showing the
 * profile cached from an earlier visit instead of sending the user to /login.
 */
function dashboardScript(keepCachedOnReject: boolean): string {
  const onRejected = keepCachedOnReject
    ? `var cached = null;
       try { cached = JSON.parse(localStorage.getItem(CACHE_KEY) || 'null'); } catch (e) { cached = null; }
       if (cached && cached.email) { show(cached.email, cached.tier || ''); return; }
       toLogin();`
    : `toLogin();`;
  return `
(function () {
  var TOKEN_KEY = ${JSON.stringify(TOKEN_KEY)};
  var CACHE_KEY = ${JSON.stringify(CACHE_KEY)};
  function toLogin() {
    sessionStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(CACHE_KEY);
    location.replace('/login');
  }
  function show(email, tier) {
    document.querySelector('[data-testid="user-email"]').textContent = email;
    document.querySelector('[data-testid="subscription-tier"]').textContent = tier;
    document.querySelector('[data-testid="dashboard-status"]').textContent = 'ready';
  }
  function rejected() {
    ${onRejected}
  }
  var token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) { toLogin(); return; }
  var auth = { headers: { authorization: 'Bearer ' + token } };
  fetch('/api/v1/auth/check-session', auth).then(function (r) {
    if (r.status === 401) { rejected(); return null; }
    if (!r.ok) throw new Error('check-session answered ' + r.status);
    return r.json();
  }).then(function (session) {
    if (!session) return null;
    return fetch('/api/v1/subscriptions/current', auth).then(function (r) {
      if (r.status === 401) { rejected(); return null; }
      if (r.status === 404) return { email: session.user.email, tier: 'none' };
      if (!r.ok) throw new Error('subscriptions/current answered ' + r.status);
      return r.json().then(function (sub) { return { email: session.user.email, tier: sub.tier }; });
    });
  }).then(function (profile) {
    if (!profile) return;
    localStorage.setItem(CACHE_KEY, JSON.stringify(profile));
    show(profile.email, profile.tier);
  }).catch(function (e) {
    document.querySelector('[data-testid="dashboard-status"]').textContent = 'error: ' + e.message;
  });
})();`;
}

/**
 * The login page's script, as the web app signs in: a CSRF token, then the credentials to the login route through the
 * gateway; the session (the access token) goes to sessionStorage, where the dashboard reads it, and the browser to /dashboard.
 */
function loginScript(ctx: ServiceContext): string {
  return `
(function () {
  var TOKEN_KEY = ${JSON.stringify(TOKEN_KEY)};
  var form = document.querySelector('[data-testid="login-form"]');
  var error = document.querySelector('[data-testid="login-error"]');
  var button = form.querySelector('button[type="submit"]');
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    error.hidden = true;
    button.disabled = true;
    fetch(${JSON.stringify(ctx.contracts.route('getCsrfToken').path)}).then(function (r) {
      if (!r.ok) throw new Error('the sign-in service answered ' + r.status);
      return r.json();
    }).then(function (csrf) {
      var headers = { 'content-type': 'application/json' };
      headers[${JSON.stringify(ctx.contracts.headers.csrf)}] = csrf.csrfToken;
      return fetch(${JSON.stringify(ctx.contracts.route('login').path)}, { method: 'POST', headers: headers, body: JSON.stringify({ email: form.email.value, password: form.password.value }) });
    }).then(function (r) {
      if (r.status === 401) throw new Error('Wrong email or password.');
      if (r.status === 403) throw new Error('Please verify your email address first.');
      if (!r.ok) throw new Error('the sign-in service answered ' + r.status);
      return r.json();
    }).then(function (session) {
      sessionStorage.setItem(TOKEN_KEY, session.accessToken);
      location.assign('/dashboard');
    }).catch(function (e) {
      error.textContent = e.message;
      error.hidden = false;
      button.disabled = false;
    });
  });
})();`;
}

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title} · Cert-IX</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>${body}</body></html>`;

const mod: ServiceModule = {
  name: 'client-dashboard',
  async register(app, ctx) {
    bindRoutes(app, ctx, {
      async dashboardPage(_req, reply) {
        const html = page(
          'Dashboard',
          `<main><h1>Dashboard</h1>
  <p>Signed in as <span data-testid="user-email"></span></p>
  <p>Plan: <span data-testid="subscription-tier"></span></p>
  <p hidden data-testid="dashboard-status">loading</p></main>
<script>${dashboardScript(ctx.faults.on('auth-dashboard-stale-session'))}</script>`,
        );
        return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
      },
      async loginPage(_req, reply) {
        // dashboard-login-page-broken: the form is there, but submitting it does nothing (no script behind it)
        const broken = ctx.faults.on('dashboard-login-page-broken');
        const html = page(
          'Sign in',
          `<main><h1>Sign in</h1>
  <form data-testid="login-form"${broken ? ' onsubmit="return false"' : ''}>
    <label>Email <input type="email" name="email" autocomplete="username" required></label>
    <label>Password <input type="password" name="password" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
  </form>
  <p role="alert" hidden data-testid="login-error"></p></main>${broken ? '' : `
<script>${loginScript(ctx)}</script>`}`,
        );
        return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
      },
    });
  },
};
export default mod;
