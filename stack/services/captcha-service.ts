// Model of captcha-service: arithmetic challenges kept in Redis; the staging-style test key reveals the solution.
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { ServiceModule } from '../types';
import { bindRoutes } from './common/app';
import { newId } from './common/util';

export const captchaKey = (challengeId: string) => `captcha:${challengeId}`;
const CAPTCHA_TTL_SECONDS = 300;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const mod: ServiceModule = {
  name: 'captcha-service',
  async register(app, ctx) {
    bindRoutes(app, ctx, {
      async createCaptchaChallenge(req) {
        const a = randomInt(2, 20);
        const b = randomInt(2, 20);
        const challengeId = newId('cap');
        const solution = String(a + b);
        await ctx.redis.set(captchaKey(challengeId), solution, 'EX', CAPTCHA_TTL_SECONDS);
        const expiresAt = new Date(Date.now() + CAPTCHA_TTL_SECONDS * 1000).toISOString();
        const key = req.headers[ctx.contracts.headers.captchaTestKey];
        const reveal = typeof key === 'string' && sameSecret(key, ctx.secrets.captchaTestKey);
        return { challengeId, question: `What is ${a} + ${b}?`, expiresAt, ...(reveal ? { solution } : {}) };
      },
    });
  },
};
export default mod;
