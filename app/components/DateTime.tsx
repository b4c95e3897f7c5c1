import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/** False while rendering on the server and hydrating, true afterwards. */
function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

const UTC_FORMAT = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const LOCAL_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/**
 * A time in the merchant's own time zone. The server does not know that zone, so the server
 * and the hydrating browser both print UTC (identical markup, no hydration error) and the
 * browser switches to local time right after.
 */
export function DateTime({ value }: { value: string | null | undefined }) {
  const hydrated = useHydrated();
  if (!value) return <span>—</span>;
  const date = new Date(value);
  const text = hydrated ? LOCAL_FORMAT.format(date) : `${UTC_FORMAT.format(date)} UTC`;
  return <time dateTime={value}>{text}</time>;
}
