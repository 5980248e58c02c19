// The service databases of the Cert-IX platform, named once: the key the harness's configuration uses, the database's name and the variable its URL is given as.
export const DATABASES = {
  auth: { name: 'cert_ix_auth', env: 'AUTH_DB_URL', optional: false },
  email: { name: 'cert_ix_email', env: 'EMAIL_DB_URL', optional: false },
  subscription: { name: 'cert_ix_subscription', env: 'SUBSCRIPTION_DB_URL', optional: false },
  assets: { name: 'cert_ix_assets', env: 'ASSETS_DB_URL', optional: false },
  // the flows see ownership through events and APIs, not this database
  verification: { name: 'cert_ix_asset_verification', env: 'VERIFICATION_DB_URL', optional: true },
  scans: { name: 'cert_ix_scans', env: 'SCANS_DB_URL', optional: false },
  tools: { name: 'cert_ix_tools_service', env: 'TOOLS_DB_URL', optional: false },
  vulnerabilities: { name: 'cert_ix_vulnerabilities', env: 'VULNERABILITIES_DB_URL', optional: false },
  // the flows see checkout through events and APIs, not this database
  checkout: { name: 'cert_ix_checkout', env: 'CHECKOUT_DB_URL', optional: true },
  payments: { name: 'cert_ix_payments', env: 'PAYMENTS_DB_URL', optional: false },
  invoices: { name: 'cert_ix_invoices', env: 'INVOICES_DB_URL', optional: false },
} as const;

export type DbKey = keyof typeof DATABASES;
/** A database's name on the server (what a service owns and CREATE DATABASE makes). */
export type DatabaseName = (typeof DATABASES)[DbKey]['name'];
/** The variable a database's URL is given as. */
export type DatabaseEnv = (typeof DATABASES)[DbKey]['env'];

export const DB_KEYS = Object.keys(DATABASES) as DbKey[];
export const DATABASE_NAMES: DatabaseName[] = DB_KEYS.map((k) => DATABASES[k].name);

/** config key → variable, as the harness's configuration reads them. */
export const DB_VARS = Object.fromEntries(DB_KEYS.map((k) => [k, DATABASES[k].env])) as { readonly [K in DbKey]: (typeof DATABASES)[K]['env'] };
/** database name → variable, as the embedded stack publishes them. */
export const DATABASE_ENV = Object.fromEntries(DB_KEYS.map((k) => [DATABASES[k].name, DATABASES[k].env])) as { readonly [K in DbKey as (typeof DATABASES)[K]['name']]: (typeof DATABASES)[K]['env'] };
/** The databases a target may leave unset. */
export const OPTIONAL_DBS: readonly DbKey[] = DB_KEYS.filter((k) => DATABASES[k].optional);
