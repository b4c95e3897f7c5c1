import type { IncomingMessage } from "node:http";

/** What reading a request's body up to a limit gave. */
export type BodyRead =
  | { kind: "body"; body: Buffer }
  /** Past the limit: reading stopped there; the rest was never read. */
  | { kind: "too-large"; bytesRead: number }
  /** The client went away before the body ended. */
  | { kind: "aborted"; bytesRead: number };

/**
 * The whole body of `req` in memory, read before anything parses it, or "too-large" as soon
 * as it passes `limit` bytes, whether declared in Content-Length or sent chunked. Never
 * rejects: a connection reset mid-upload is "aborted".
 */
export function readBodyWithin(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ kind: "too-large", bytesRead: 0 });
  if (req.destroyed && !req.complete) return Promise.resolve({ kind: "aborted", bytesRead: 0 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyRead) => {
      req.off("data", onData).off("end", onEnd).off("error", onAborted).off("close", onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        finish({ kind: "too-large", bytesRead: size });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: "body", body: Buffer.concat(chunks, size) });
    const onAborted = () => finish({ kind: "aborted", bytesRead: size });
    const onClose = () => {
      if (!req.complete) onAborted();
    };
    req.on("data", onData).on("end", onEnd).on("error", onAborted).on("close", onClose);
  });
}
