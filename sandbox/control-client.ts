/** The sandbox's control API (`/__sandbox/...`) as the tests call it: method, path, JSON body; the answer's status and JSON. */
export function controlClient(baseUrl: () => string) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
    const res = await fetch(`${baseUrl()}/__sandbox/${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
}
