# One image for all four services; the command picks the service:
#   docker run herald node dist/apps/webhook-sender/src/main.js
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY tools/build.mjs tools/swc-options.js tools/
COPY apps apps
COPY libs libs
RUN node tools/build.mjs

FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-bookworm-slim
# Memory: see SERVICE_MEMORY in tools/dev/services.mjs (16 MiB semi-spaces here; a deployment adds a service's own
# flag and glibc settings); the old generation's growth is set in runService (libs/runtime).
ENV NODE_ENV=production LOG_FORMAT=json NODE_OPTIONS=--max-semi-space-size=16
WORKDIR /app
COPY --from=deps /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
USER node
EXPOSE 3000
CMD ["node", "dist/apps/ingest/src/main.js"]
