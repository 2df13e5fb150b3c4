# The service's image: built in one stage, run from a second that holds only the compiled
# service and its production dependencies, as the unprivileged user "node".
#   docker build -t lps .
#   docker run -p 8080:8080 -v lps-data:/data lps
# test/deploy/image-build.test.ts runs these steps without Docker: keep instructions to one
# per line (no line continuations), COPY with plain paths, RUN with commands a shell runs
# in the stage's WORKDIR.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json openapi.json ./
COPY src ./src
COPY gen ./gen
COPY console ./console
RUN npm run build
RUN npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
ENV LPS_HOST=0.0.0.0
ENV LPS_PORT=8080
ENV LPS_DATABASE_URL=sqlite:/data/lps.db
ENV LPS_ADMIN_PAT_PATH=/data/admin.pat
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/gen ./dist/gen
COPY --from=build /app/dist/openapi.json ./dist/openapi.json
COPY --from=build /app/dist/console ./dist/console
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Ready means serving: the database answers and shutdown has not begun.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.LPS_PORT}/ready`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/src/main.js"]
CMD ["serve"]
