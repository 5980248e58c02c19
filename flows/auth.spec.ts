// Flow 1: register → verify email → login → sign in through the login page to the dashboard → logout, with its events, audit rows and blacklist.
import { polling } from '../helpers/poll';
import { test, expect } from '../fixtures';
import { signInThroughPage } from '../clients/login-page';
import { decodeJwt } from 'jose';
import { flowSteps, flowTag } from '../contracts/flows';
import { criterionTag } from '../helpers/verdict/criteria';

const step = flowSteps('auth');

test.describe('auth flow', () => {
  test('register → verify email → login → access dashboard → logout', { tag: [flowTag('auth'), criterionTag(2), criterionTag(7), criterionTag(12)] }, async ({ flow, api, observer, db, redis, identity, target, contract, cleanup, dashboard }, testInfo) => {
    const budgets = target.budgets;
    let csrfToken = '';
    let challenge: { challengeId: string; solution: string } = { challengeId: '', solution: '' };
    let userId = '';
    let tenantId = '';
    let token = '';
    /** the session the browser's sign-in stored (7.1): the one steps 8, 9 and 9.1 log out and try again */
    let session = '';

    {
      await flow.step(...step(1), api.describe('getCsrfToken'), async () => {
        const res = await api.call('getCsrfToken', { expect: 200 });
        csrfToken = res.body.csrfToken;
        expect(csrfToken, 'a CSRF token').toBeTruthy();
      });

      await flow.step(...step(2), api.describe('createCaptchaChallenge'), async () => {
        const res = await api.call('createCaptchaChallenge', { headers: { [contract.headers.captchaTestKey]: target.captchaTestKey }, expect: 200 });
        expect(res.body.solution, 'the test key returns the solution').toBeTruthy();
        challenge = { challengeId: res.body.challengeId, solution: res.body.solution };
      });

      await flow.step(...step(3), api.describe('registerIndividual'), async () => {
        const res = await api.call('registerIndividual', {
          headers: { [contract.headers.csrf]: csrfToken },
          body: { email: identity.email, password: identity.password, firstName: identity.firstName, lastName: identity.lastName, captcha: challenge },
          expect: 201,
        });
        userId = res.body.userId;
        tenantId = res.body.tenantId;
        cleanup.track({ userId, tenantId, email: identity.email });
        await observer.waitFor('cert-ix.auth.user.registered.success', { userId, tenantId, email: identity.email });
        await observer.waitFor('cert-ix.subscription.plan.free.request', { userId, tenantId });
        await db.expectRows('audit.register', { userId }, undefined, "an audit row for 'register'");
      });

      await flow.step(...step(4), api.describe('verifyEmail'), async () => {
        const [mail] = await db.expectRows('email.verificationToken', { email: identity.email }, undefined, 'the verification mail', budgets.eventMs);
        const res = await api.call('verifyEmail', { params: { token: mail.token }, expect: 200 });
        expect(res.body.verified).toBe(true);
        await db.expectRows('auth.user', { userId }, (rows) => rows[0]?.status === 'active', "the user's status 'active'");
      });

      await flow.step(...step(5), api.describe('login'), async () => {
        const res = await api.call('login', { headers: { [contract.headers.csrf]: csrfToken }, body: { email: identity.email, password: identity.password }, expect: 200 });
        token = res.body.accessToken;
        expect(res.body.user).toMatchObject({ id: userId, email: identity.email, tenantId });
        await observer.waitFor('cert-ix.auth.user.login.success', { userId, tenantId });
        await db.expectRows('audit.login', { userId }, undefined, "an audit row for 'login'");
      });

      await flow.step(...step(6), api.describe('checkSession'), async () => {
        const res = await api.call('checkSession', { token, expect: 200 });
        expect(res.body).toMatchObject({ valid: true, user: { id: userId, email: identity.email } });
      });

      await flow.step(...step(7), api.describe('getCurrentSubscription'), async () => {
        const activated = await observer.waitFor('cert-ix.subscription.plan.free.activated', { userId, tenantId }, undefined, { sinceStep: 3 });
        expect(activated.tier, 'the activated plan is the free tier').toBe('free');
        await expect
          .poll(async () => (await api.call('getCurrentSubscription', { token, expect: [200, 404] })).body?.tier, polling({
            timeout: budgets.stepMs,
            message: 'GET /api/v1/subscriptions/current to show tier "free"',
          }))
          .toBe('free');
      });

      await flow.step(...step('7.1'), 'GET /login → /dashboard (Chromium)', async () => {
        // As a person does: the login page, the email and password typed in, submitted; no token handed to the browser.
        const page = await dashboard();
        session = await signInThroughPage(page, target.kong.url, identity, budgets.stepMs);
        await expect(page.getByTestId('user-email'), 'the dashboard shows the user').toHaveText(identity.email, { timeout: budgets.stepMs });
        await expect(page.getByTestId('subscription-tier'), 'the dashboard shows the tier').toHaveText(/free/i, { timeout: budgets.stepMs });
        await testInfo.attach('dashboard after login', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
        await flow.evidence({ kind: 'screenshot', summary: 'signed in through /login; the dashboard shows the user and tier "free"' });
      });

      await flow.step(...step(8), api.describe('logout'), async () => {
        // The browser's session is the one logged out: 9.1 then sees what its user sees.
        await api.call('logout', { token: session, expect: 200 });
        await db.expectRows('audit.logout', { userId }, undefined, "an audit row for 'logout'");
        await redis.expectKey('tokenBlacklist', { jti: String(decodeJwt(session).jti) });
      });

      await flow.step(...step(9), api.describe('checkSession'), async () => {
        await api.call('checkSession', { token: session, expect: 401 });
      });

      await flow.step(...step('9.1'), 'GET /dashboard (Chromium)', async () => {
        // The same browser, still holding the session that was logged out, opens the dashboard again.
        const page = await dashboard();
        await page.goto(`${target.kong.url}/dashboard`, { timeout: budgets.stepMs });
        await expect(page, 'a rejected token sends the user to login').toHaveURL(/\/login/, { timeout: budgets.stepMs });
        await expect(page.getByTestId('user-email'), 'the dashboard no longer shows the user').toHaveCount(0);
        await testInfo.attach('dashboard after logout', { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
        await flow.evidence({ kind: 'screenshot', summary: 'after logout the dashboard sends the user to login' });
      });
    }
  });
});
