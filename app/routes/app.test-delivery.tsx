import type { LoaderFunctionArgs } from "@remix-run/node";
import { adminDeps } from "../admin/deps.server";
import { loadTestDelivery } from "../admin/settings.server";
import { authenticate } from "../shopify.server";

/** The latest test message's delivery, for Settings to ask again while it waits for WhatsApp's answer. */
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { delivery: await loadTestDelivery(adminDeps(), session.shop) };
};
