import { useAppBridge } from "@shopify/app-bridge-react";
import { useCallback } from "react";

/** App Bridge's toast (shown by the Shopify admin, outside the app's frame). */
export function useToast(): (message: string, options?: { isError?: boolean }) => void {
  const shopify = useAppBridge();
  return useCallback(
    (message: string, options: { isError?: boolean } = {}) => {
      shopify.toast.show(message, { isError: options.isError ?? false });
    },
    [shopify],
  );
}
