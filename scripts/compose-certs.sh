#!/usr/bin/env bash
# Makes the CA and server certificates docker-compose.test.yml mounts (default folder .compose-certs/, git-ignored): `bash scripts/compose-certs.sh [dir]`.
# Nothing here is checked in; re-run to replace them. Each server certificate names its compose host and localhost/127.0.0.1 (the host side).
set -euo pipefail

DIR="${1:-.compose-certs}"
DAYS="${COMPOSE_CERT_DAYS:-30}"
mkdir -p "$DIR"
cd "$DIR"
umask 077

# P-256 keys, as the embedded stack's (stack/infra/tls.ts)
EC=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)

openssl req -x509 "${EC[@]}" -keyout ca.key -out ca.pem -days "$DAYS" \
  -subj "/O=flowgate compose stack/CN=flowgate compose CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null

for host in kong kafka redis postgres; do
  printf '%s\n' "subjectAltName=DNS:${host},DNS:localhost,IP:127.0.0.1" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" > "${host}.ext"
  openssl req -new "${EC[@]}" -keyout "${host}.key" -out "${host}.csr" -subj "/O=flowgate compose stack/CN=${host}" 2>/dev/null
  openssl x509 -req -in "${host}.csr" -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 8)" -days "$DAYS" \
    -extfile "${host}.ext" -out "${host}.pem" 2>/dev/null
  rm -f "${host}.csr" "${host}.ext"
done

# The apache/kafka image's start script wants a key store file plus two files holding its passwords (under /etc/kafka/secrets)
KS_PASS="$(openssl rand -hex 16)"
openssl pkcs12 -export -in kafka.pem -inkey kafka.key -certfile ca.pem -name kafka -out kafka.p12 -passout "pass:${KS_PASS}"
printf '%s' "$KS_PASS" > kafka-keystore-creds
printf '%s' "$KS_PASS" > kafka-key-creds

# The containers run as their own users (kong, redis, postgres, appuser, node), not as you: the server files must be
# readable by them. These are throwaway test keys for a local stack; the CA key stays private (PostgreSQL copies its
# key to a 0600 file it owns at start, as it insists).
chmod 0644 ca.pem kong.* kafka.* redis.* postgres.* kafka-keystore-creds kafka-key-creds
chmod 0600 ca.key
echo "compose certificates in $(pwd): CA ca.pem (KONG_CA_FILE, KAFKA_SSL_CA_FILE, REDIS_TLS_CA_FILE, DB_SSL_CA_FILE), servers kong kafka redis postgres"
