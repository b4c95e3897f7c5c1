import { config } from "./config.server";
import { createPrismaClient, type PrismaClient } from "./db/client.server";

declare global {
  // Remix's dev server reloads modules; one client per process is enough.
  var __prisma: PrismaClient | undefined;
}

/** The process's Prisma client for DATABASE_URL. */
export function db(): PrismaClient {
  globalThis.__prisma ??= createPrismaClient(config().DATABASE_URL);
  return globalThis.__prisma;
}

/** Closes the process's Prisma client, if it was created. */
export async function closePrisma(): Promise<void> {
  const client = globalThis.__prisma;
  globalThis.__prisma = undefined;
  await client?.$disconnect();
}

/** True when the database answers a trivial query within `timeoutMs`. */
export async function databaseReachable(client: PrismaClient, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const probe = client.$queryRawUnsafe("SELECT 1").then(
      () => true,
      () => false,
    );
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
