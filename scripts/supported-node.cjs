// Which Node flowgate runs on, and the one line that refuses any other (loaded before TypeScript can be, so plain CommonJS).
'use strict';

/** The oldest Node flowgate supports: the Kafka client needs 22.22 (or 24.6); 24 LTS is what npm ci installs. */
const MINIMUM = [22, 22, 0];

/** Whether a Node version ("24.21.0" or "v24.21.0") is at least MINIMUM. */
function supported(version) {
  const got = String(version).replace(/^v/, '').split('.').map((n) => Number.parseInt(n, 10));
  if (got.length < 3 || got.some((n) => !Number.isFinite(n))) return false;
  for (let i = 0; i < 3; i++) if (got[i] !== MINIMUM[i]) return got[i] > MINIMUM[i];
  return true;
}

/** The refusal: which Node this is, where, and the two ways to a supported one. */
function refusal(version, execPath) {
  return (
    `flowgate: Node ${version} (${execPath}) is too old; it needs Node >= ${MINIMUM.join('.')}. ` +
    'Run it through npm (npm run smoke, npm test, npx node ...), which uses the Node 24 that npm ci put in node_modules/.bin, or install Node 24 (nvm install; see .nvmrc).'
  );
}

module.exports = { MINIMUM, supported, refusal };
