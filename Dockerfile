# Image of one Cert-IX service of the reference stack for docker-compose.test.yml: `docker run <image> <service-name>` serves it on 8080.
FROM node:24-bookworm-slim

WORKDIR /app
ENV NODE_ENV=production \
    PORT=8080

# Dependencies first, so a code change does not reinstall them. --ignore-scripts: the postinstall fetches the Kafka jars and
# Chromium the embedded stack and the harness need; a service container uses neither.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# Only what a service runs: the contracts it serves and the stack's code (helpers/ for shared pure functions).
COPY tsconfig.json ./
COPY contracts ./contracts
COPY helpers ./helpers
COPY stack ./stack

USER node
EXPOSE 8080
# The service name comes as the command (compose: `command: ["qr-auth-service"]`).
ENTRYPOINT ["npx", "--no-install", "tsx", "stack/services/run.ts"]
