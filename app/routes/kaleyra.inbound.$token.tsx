import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveKaleyraPost } from "../receipts/receive.server";

/** Inbound WhatsApp messages for one shop (the number's Incoming URL): the callbacks' token and secret. */
export const action = ({ request, params }: ActionFunctionArgs) => receiveKaleyraPost("inbound", request, params.token ?? "");
