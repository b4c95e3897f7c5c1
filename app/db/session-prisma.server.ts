import { config } from "../config.server";
import { createPrismaClient, type PrismaClient } from "./client.server";

declare global {
  // Remix's dev server reloads modules; one client per process is enough.
  var __sessionPrisma: PrismaClient | undefined;
}

/**
 * The process's Prisma client, for Shopify's session storage only (PrismaSessionStorage needs
 * one). The app's own tables go through `sql()` (sql-instance.server.ts) and the repositories.
 */
export function sessionPrisma(): PrismaClient {
  globalThis.__sessionPrisma ??= createPrismaClient(config().DATABASE_URL);
  return globalThis.__sessionPrisma;
}

/** Closes the session storage's Prisma client, if it was created. */
export async function closeSessionPrisma(): Promise<void> {
  const client = globalThis.__sessionPrisma;
  globalThis.__sessionPrisma = undefined;
  await client?.$disconnect();
}
