import type { ActionFunctionArgs } from "@remix-run/node";
import { receiveFlowAction } from "../flow/receive.server";
import { authenticate } from "../shopify.server";

/** Shopify Flow's action "Send WhatsApp order update" (extensions/send-whatsapp-update). */
export const action = ({ request }: ActionFunctionArgs) => receiveFlowAction(request, authenticate.flow);
