/** Applies the committed migrations to DATABASE_URL (created on first run for SQLite). */
import { migrate } from "../app/db/migrate.server";

const url = process.env.DATABASE_URL ?? "file:./data/app.sqlite";
const result = await migrate(url);
console.log(
  result.applied.length
    ? `${result.provider}: applied ${result.applied.join(", ")}`
    : `${result.provider}: database is up to date`,
);
