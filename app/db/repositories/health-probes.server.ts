import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The HealthProbe table: one row that /healthz rewrites to prove the database takes writes. */
export async function touchHealthProbe(db: SqlExecutor, at: Date): Promise<void> {
  await queries(db)
    .insertInto("HealthProbe")
    .values({ id: "healthz", checkedAt: at })
    .onConflict((conflict) => conflict.column("id").doUpdateSet((eb) => ({ checkedAt: eb.ref("excluded.checkedAt") })))
    .execute();
}
