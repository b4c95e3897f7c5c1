import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveKaleyraPost } from "../receipts/receive.server";

/** Kaleyra's status callbacks for one shop: authenticated by the URL token and the shop's secret. */
export const action = ({ request, params }: ActionFunctionArgs) => receiveKaleyraPost("status", request, params.token ?? "");
