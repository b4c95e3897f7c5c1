# The same commands as the README: install (which generates the Prisma clients), build, start.
# The server applies the committed migrations at start-up.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles with node-gyp when no prebuilt binary fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
RUN npm ci --no-audit --no-fund && npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production PORT=3000
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY --from=build /app/prisma ./prisma
EXPOSE 3000
# `npm run worker` runs delivery workers only (with RUN_WORKER=false on the web containers).
CMD ["npm", "run", "start"]
