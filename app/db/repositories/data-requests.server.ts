import { randomUUID } from "node:crypto";
import type { Selectable } from "kysely";
import type { DataRequest } from "../generated/kysely";
import { queries } from "../kysely.server";
import type { SqlExecutor } from "../sql.server";

/** The DataRequest table: customers/data_request reports kept for the merchant. */
export type DataRequestRecord = Selectable<DataRequest>;

export async function addDataRequest(tx: SqlExecutor, request: Omit<DataRequestRecord, "id">): Promise<void> {
  await queries(tx)
    .insertInto("DataRequest")
    .values({ id: randomUUID(), ...request })
    .execute();
}

export async function shopDataRequests(tx: SqlExecutor, shop: string): Promise<Array<Pick<DataRequestRecord, "id" | "customerId" | "report">>> {
  return queries(tx).selectFrom("DataRequest").select(["id", "customerId", "report"]).where("shopDomain", "=", shop).execute();
}

export async function deleteDataRequest(tx: SqlExecutor, id: string): Promise<void> {
  await queries(tx).deleteFrom("DataRequest").where("id", "=", id).execute();
}
