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
