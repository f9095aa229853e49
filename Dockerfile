# One image for api, web and worker; docker-compose.yml picks the command.
FROM node:20-bookworm-slim AS base
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install -g pnpm@10.34.8
WORKDIR /app

FROM base AS build
COPY . .
RUN pnpm install --frozen-lockfile && pnpm --filter @prospectflow/web build \
  && pnpm --filter @prospectflow/api --filter @prospectflow/worker build

FROM base AS runtime
ENV NODE_ENV=production
COPY --from=build /app /app
EXPOSE 3000 3100 4000
# node itself as PID 1 (pnpm would not pass SIGTERM on); flags as in apps/api/package.json `start`.
CMD ["node", "--enable-source-maps", "--max-old-space-size=256", "apps/api/dist/main.js"]
