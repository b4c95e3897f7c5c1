import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { optInAction, optInLoader } from "../consent/opt-in-http.server";
import { authenticate } from "../shopify.server";

/** The thank-you page's WhatsApp opt-in block (a checkout extension's session token). */
export const loader = ({ request }: LoaderFunctionArgs) => optInLoader("thank_you", request, authenticate.public.checkout);
export const action = ({ request }: ActionFunctionArgs) => optInAction("thank_you", request, authenticate.public.checkout);
