-- Creates one database per Cert-IX service when docker-compose.test.yml's postgres starts empty; each service migrates its own schema.
-- contracts/databases.test.ts checks these lines against the list of databases in contracts/databases.ts.
CREATE DATABASE cert_ix_auth;
CREATE DATABASE cert_ix_email;
CREATE DATABASE cert_ix_subscription;
CREATE DATABASE cert_ix_assets;
CREATE DATABASE cert_ix_asset_verification;
CREATE DATABASE cert_ix_scans;
CREATE DATABASE cert_ix_tools_service;
CREATE DATABASE cert_ix_vulnerabilities;
CREATE DATABASE cert_ix_checkout;
CREATE DATABASE cert_ix_payments;
CREATE DATABASE cert_ix_invoices;
