import { useCallback, useEffect, useState } from "react";

/**
 * Save for a form whose save reloads the page: pressed (Enter, or Save) while the previous
 * save is still in flight, its request or the reload after it, the press is kept and sent
 * once the page is idle again, a render after the form took in what was saved, so it sends
 * the merchant's latest values. Only if there is still something to save (`canSave`).
 */
export function useQueuedSave(saving: boolean, canSave: boolean, send: () => void): () => void {
  const [pressed, setPressed] = useState(false);
  const [due, setDue] = useState(false);
  useEffect(() => {
    if (saving || !pressed) return;
    setPressed(false);
    setDue(true);
  }, [saving, pressed]);
  useEffect(() => {
    if (!due) return;
    setDue(false);
    if (canSave) send();
  }, [due, canSave, send]);
  return useCallback(() => (saving ? setPressed(true) : send()), [saving, send]);
}
