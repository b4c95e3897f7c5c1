import { useNavigation } from "@remix-run/react";
import { useEffect, useRef } from "react";

/**
 * Runs `reset` once per successful save, after the page's data has been reloaded. Remix
 * hands out the action's answer while it is still reloading the loaders, so resetting a
 * form on the answer alone would fill it from the data as it was before the save.
 */
export function useResetAfterSave(savedAt: number | null, reset: () => void): void {
  const navigation = useNavigation();
  const handled = useRef<number | null>(null);
  useEffect(() => {
    if (savedAt === null || savedAt === handled.current || navigation.state !== "idle") return;
    handled.current = savedAt;
    reset();
  }, [savedAt, navigation.state, reset]);
}
