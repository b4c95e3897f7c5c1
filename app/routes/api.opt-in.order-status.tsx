import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { optInAction, optInLoader } from "../consent/opt-in-http.server";
import { authenticate } from "../shopify.server";

/** The order-status page's WhatsApp opt-in block (a customer account extension's session token). */
export const loader = ({ request }: LoaderFunctionArgs) => optInLoader("order_status", request, authenticate.public.customerAccount);
export const action = ({ request }: ActionFunctionArgs) => optInAction("order_status", request, authenticate.public.customerAccount);
