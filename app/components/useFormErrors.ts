import { useCallback, useEffect, useState } from "react";
import { firstErrorField, type FieldErrors } from "../admin/form-data";
import { useToast } from "./useToast";

/**
 * The server's field errors as the form shows them: an error goes away as soon as its field
 * changes (it described the old value), and a refused save moves the merchant to the first
 * error (scrolled into view and focused) with an error toast, wherever they were on the page.
 *
 * `answer` is the action's answer object (a new one per save); `elementId` maps a field name
 * to the id of its input.
 */
export function useFormErrors(
  answer: object | undefined,
  serverErrors: FieldErrors,
  order: readonly string[],
  elementId: (field: string) => string,
): { errors: FieldErrors; clear: (field: string) => void } {
  const toast = useToast();
  const [cleared, setCleared] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    setCleared(new Set());
    const first = firstErrorField(serverErrors, order);
    if (!first) return;
    toast("Nothing was saved: fix the marked fields", { isError: true });
    const element = document.getElementById(elementId(first));
    element?.scrollIntoView({ block: "center" });
    element?.focus({ preventScroll: true });
    // Only a new answer moves the focus, not a re-render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [answer]);

  const clear = useCallback((field: string) => {
    setCleared((previous) => (previous.has(field) ? previous : new Set(previous).add(field)));
  }, []);
  const errors = Object.fromEntries(Object.entries(serverErrors).filter(([field]) => !cleared.has(field)));
  return { errors, clear };
}
