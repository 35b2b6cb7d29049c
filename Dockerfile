# One image shape for every Countersign app; the APP build argument picks what it runs by default.
#
#   docker build -t countersign .                               the embedded all-in-one process
#   docker build --build-arg APP=gateway -t countersign-gateway .
#
# APP is one of: countersign (default), gateway, policy-evaluator, approval-router, notifier,
# audit-projector. Every image holds all six bundles, so the five service images share every layer
# except the last few metadata ones; `-e COUNTERSIGN_APP=notifier` also switches a built image.
# See docs/deployment.md.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: dev dependencies + esbuild bundles dist/apps/<app>/main.js -------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.base.json tsconfig.json ./
COPY tools ./tools
COPY apps ./apps
COPY libs ./libs
# Plain `node` is the base image's Node 24 (the `node` npm package is a dev dependency and is not
# what runs here or in the runtime stage).
RUN node tools/build.mjs
# The web console (apps/console, React + Vite) into dist/console, which the gateway serves at /console.
RUN node tools/build-console.mjs

# --- prod-deps: runtime node_modules only (bundles keep their packages external) ---------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NODE_OPTIONS=--enable-source-maps \
    HOST=0.0.0.0 \
    PORT=8080 \
    COUNTERSIGN_DATA_DIR=/data
WORKDIR /app
# Code stays owned by root: the non-root process can read it but never change it.
COPY --from=prod-deps /app/node_modules ./node_modules
# package.json carries "type": "module", which makes dist/apps/*/main.js load as ES modules.
COPY package.json ./
COPY --from=build /src/dist ./dist
# The default workspace: found by walking up from dist/apps/<app>/ to /app/config/demo.
COPY config/demo ./config/demo
# The embedded default keeps its append-only log here; created before VOLUME so the volume
# starts out owned by the runtime user.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Declared last so that images differing only in APP share all layers above.
ARG APP=countersign
ENV COUNTERSIGN_APP=${APP}
# Exec-form CMD does not expand variables, and ARG values do not exist at run time; so the ENV
# above carries the choice into the container and `sh -c` expands it. `exec` replaces the shell
# with node, so node is PID 1 and receives SIGTERM itself (it stops cleanly on it).
CMD ["sh", "-c", "exec node \"dist/apps/${COUNTERSIGN_APP}/main.js\""]
