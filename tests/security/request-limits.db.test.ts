import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_FORM_BYTES, MAX_OTHER_BYTES } from "../../app/server/limits";
import { BROWSER_UA } from "../forms/support/http";
import { startTestApp, type TestApp } from "../helpers/app";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { freePort, waitFor, type RunningProcess } from "../helpers/process";
import { report } from "../reliability/helpers/harness";
import { killHard, startServerProcess, waitForHealthy } from "../reliability/helpers/processes";

/**
 * Bounded requests against the production server process (NODE_ENV=production, logs at
 * debug): bodies past their route's limit, declared or streamed, are answered 413 while the
 * client is still sending; what the process logs stays short; an aborted upload is one info
 * line; Remix's CSRF rule and a junk form are the client's mistakes (4xx). The server's
 * timeouts and connection cap are checked on an in-process server with short limits.
 * Nothing here measures time: each check waits for an outcome.
 */
const MB = 1024 * 1024;

let database: TestDatabase;
let server: RunningProcess;
let url: string;
let port: number;
const figures: Record<string, string | number | boolean> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  // Kaleyra is never called here: no shop is configured.
  server = startServerProcess({ databaseUrl: database.url, kaleyraUrl: "http://127.0.0.1:9", port, logLevel: "debug" });
  await waitForHealthy(url, server);
}, 60_000);

afterAll(async () => {
  report("request-limits", figures);
  if (server) await killHard(server);
  await database?.drop();
});

/** The process's output as JSON lines, from `from` on. */
function logLines(from = 0): Array<Record<string, unknown>> {
  return server
    .output()
    .slice(from)
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

interface Streamed {
  status: number;
  /** Bytes the client had written when the answer came. */
  sent: number;
}

/**
 * POSTs a body of `total` bytes made on the fly in 64 KB chunks (never held whole), chunked
 * unless `declare` sends its Content-Length; resolves with the status as soon as it arrives.
 * A raw socket, so that the answer is read even when the server closes while the client is
 * still writing (node:http's client reports only the EPIPE then).
 */
function streamPost(path: string, total: number, options: { declare?: boolean; contentType?: string } = {}): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    let answered = false;
    const framing = options.declare ? `Content-Length: ${total}` : "Transfer-Encoding: chunked";
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (data: Buffer) => {
      received += data.toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match && !answered) {
        answered = true;
        resolve({ status: Number(match[1]), sent });
        socket.destroy();
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      if (!answered) reject(new Error(`closed without an answer after ${sent} bytes: ${received.slice(0, 200)}`));
    });
    const frame = (piece: Buffer) => (options.declare ? [piece] : [Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]);
    const pump = () => {
      while (sent < total && !answered && !socket.destroyed) {
        const size = Math.min(chunk.length, total - sent);
        const piece = sent === 0 ? Buffer.concat([Buffer.from("shop="), chunk.subarray(5, size)]) : chunk.subarray(0, size);
        sent += piece.length;
        const ok = frame(piece).map((part) => socket.write(part)).every(Boolean);
        if (!ok) {
          socket.once("drain", pump);
          return;
        }
      }
      if (sent >= total && !options.declare && !socket.destroyed) socket.write("0\r\n\r\n");
    };
    socket.once("connect", () => {
      socket.write(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: ${options.contentType ?? "application/x-www-form-urlencoded"}\r\n${framing}\r\n\r\n`);
      pump();
    });
  });
}

describe("every route has a body limit, read before anything parses it", () => {
  it("GIVEN 100 MB streamed to /auth/login WHEN the limit is passed THEN 413 while the client is still sending, and the server stays healthy", async () => {
    const from = server.output().length;
    const answers = await Promise.all([streamPost("/auth/login", 100 * MB), streamPost("/auth/login", 100 * MB, { declare: true })]);
    expect(answers.map((a) => a.status)).toEqual([413, 413]);
    for (const answer of answers) expect(answer.sent).toBeLessThan(100 * MB);
    figures.authLogin100MbSentBeforeAnswer = answers.map((a) => a.sent).join(" / ");
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const lines = logLines(from);
    expect(lines.filter((line) => line.level === "error")).toEqual([]);
    expect(lines.filter((line) => line.msg === "request body over the size limit")).toHaveLength(2);
  });

  it.each([
    ["/auth/login", MAX_OTHER_BYTES],
    ["/auth/anything", MAX_OTHER_BYTES],
    ["/app/templates", MAX_FORM_BYTES],
    ["/app/settings", MAX_FORM_BYTES],
    ["/", MAX_OTHER_BYTES],
  ])("GIVEN a body one byte past %s's limit (%i bytes) WHEN posted THEN 413", async (path, limit) => {
    expect((await streamPost(path, limit + 1)).status).toBe(413);
    expect((await streamPost(path, limit + 1, { declare: true })).status).toBe(413);
  });

  it("GIVEN a login form just under the limit WHEN posted THEN it is read (not 413) and no log line is longer than 2 KB", async () => {
    const from = server.output().length;
    const shop = "x".repeat(MAX_OTHER_BYTES - 100);
    const response = await fetch(`${url}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `shop=${shop}`,
      redirect: "manual",
    });
    expect(response.status).not.toBe(413);
    expect(response.status).toBeLessThan(500);
    const longest = Math.max(0, ...server.output().slice(from).split("\n").map((line) => line.length));
    figures.longestLogLineAfterLogin = longest;
    expect(longest).toBeLessThan(2048);
  });

  it("GIVEN an upload aborted half-way WHEN the client goes away THEN one info line, no error and no stack", async () => {
    const from = server.output().length;
    const socket = net.connect(port, "127.0.0.1");
    await new Promise((resolve) => socket.once("connect", resolve));
    // Expect: 100-continue makes the server say when it has taken the request and waits for its body.
    const continued = new Promise<void>((resolve) => socket.once("data", () => resolve()));
    // A path of its own: lines that earlier tests' requests log late are told apart by it.
    socket.write("POST /auth/aborted-upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 4000\r\nExpect: 100-continue\r\n\r\n");
    await continued;
    // 8 bytes of the 4,000 declared, then the client hangs up.
    socket.end("shop=abc");
    const aborted = await waitFor(
      async () => logLines(from).find((line) => line.msg === "request aborted by the client before its body ended" && line.path === "/auth/aborted-upload"),
      15_000,
      "the aborted upload's line",
    );
    expect(aborted).toMatchObject({ level: "info", path: "/auth/aborted-upload", bytesRead: 8 });
    const lines = logLines(from);
    expect(lines.filter((line) => line.path === "/auth/aborted-upload")).toEqual([aborted]);
    expect(lines.filter((line) => line.level === "error")).toEqual([]);
    expect(server.output().slice(from)).not.toMatch(/\n\s+at /);
  });
});

describe("client mistakes are answered 4xx, not 500", () => {
  it("GIVEN a form POST whose Origin is another site (Remix's CSRF rule) THEN 403 and no error logged", async () => {
    const from = server.output().length;
    for (const origin of ["https://evil.example", "null"]) {
      const response = await fetch(`${url}/auth/login`, {
        method: "POST",
        headers: { origin, "content-type": "application/x-www-form-urlencoded" },
        body: "shop=a.myshopify.com",
        redirect: "manual",
      });
      expect(response.status, origin).toBe(403);
    }
    const malformed = await rawStatus(`POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: not a url\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    expect(malformed).toBe(400);
    expect(logLines(from).filter((line) => line.level === "error")).toEqual([]);
  });

  it("GIVEN a junk multipart body posted to /auth/login THEN 400 and no error logged", async () => {
    const from = server.output().length;
    for (const type of ["multipart/form-data", "multipart/form-data; boundary=x"]) {
      const response = await fetch(`${url}/auth/login`, {
        method: "POST",
        headers: { "content-type": type },
        body: "--x\r\nContent-Disposition: form-data; name=\"shop\"\r\n\r\nsa",
        redirect: "manual",
      });
      expect(response.status, type).toBe(400);
    }
    expect(logLines(from).filter((line) => line.level === "error")).toEqual([]);
  });
});

describe("the exit-iframe page opens only the app and Shopify's admin", () => {
  it.each([
    "https://evil.example",
    "https://evil.example/?https://admin.shopify.com",
    "//evil.example/x",
    "https://admin.shopify.com.evil.example/",
  ])("GIVEN exitIframe=%s THEN 400 and no redirect script", async (target) => {
    const response = await fetch(`${url}/auth/exit-iframe?shop=a.myshopify.com&exitIframe=${encodeURIComponent(target)}`, {
      headers: { "user-agent": BROWSER_UA },
      redirect: "manual",
    });
    expect(response.status).toBe(400);
    expect(await response.text()).not.toContain("evil.example");
  });

  // A relative destination is tested in app/server/request-guards.test.ts: the library refuses one here, where the app URL is http.
  it.each(["https://admin.shopify.com/store/a/apps/x", "https://a.myshopify.com/admin/oauth/authorize?client_id=1"])(
    "GIVEN exitIframe=%s THEN the library's page opens it",
    async (target) => {
      const response = await fetch(`${url}/auth/exit-iframe?shop=a.myshopify.com&exitIframe=${encodeURIComponent(target)}`, {
      headers: { "user-agent": BROWSER_UA },
      redirect: "manual",
    });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain("window.open(");
    },
  );
});

describe("the server's timeouts and connection cap (short limits, in-process)", () => {
  let app: TestApp;
  let appPort: number;

  beforeAll(async () => {
    app = await startTestApp({}, {
      // Short limits, so that the test does not wait out the production ones.
      serverLimits: { headersTimeoutMs: 500, requestTimeoutMs: 1_000, connectionsCheckingIntervalMs: 100, maxConnections: 4 },
    });
    appPort = Number(new URL(app.url).port);
  });

  afterAll(async () => {
    await app?.stop();
  });

  /** Resolves when the server closes `socket` (with what it answered, if anything). */
  function closedByServer(socket: net.Socket): Promise<string> {
    let received = "";
    socket.on("data", (chunk: Buffer) => (received += chunk.toString()));
    return new Promise((resolve) => socket.once("close", () => resolve(received)));
  }

  async function connect(): Promise<net.Socket> {
    const socket = net.connect(appPort, "127.0.0.1");
    socket.on("error", () => {});
    await new Promise((resolve) => socket.once("connect", resolve));
    return socket;
  }

  it("GIVEN headers that never finish, or a body that never ends THEN the server closes the connection by itself", async () => {
    const slowHeaders = await connect();
    slowHeaders.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    const slowBody = await connect();
    slowBody.write("POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nshop=");
    const [headersAnswer, bodyAnswer] = await Promise.all([closedByServer(slowHeaders), closedByServer(slowBody)]);
    // Node answers 408 when it can; the connection is closed either way.
    for (const answer of [headersAnswer, bodyAnswer]) expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
  });

  it("GIVEN as many idle connections as the cap THEN one more is closed at once, and the server answers again once they go", async () => {
    const held = await Promise.all(Array.from({ length: 4 }, connect));
    const extra = await connect();
    extra.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    expect(await closedByServer(extra)).toBe("");
    for (const socket of held) socket.destroy();
    const health = await waitFor(async () => {
      const response = await fetch(`${app.url}/healthz`, { signal: AbortSignal.timeout(5_000) });
      return response.status === 200 ? response.status : undefined;
    }, 15_000, "/healthz after the held connections closed");
    expect(health).toBe(200);
  });
});

/** The status line's code of a request written byte for byte (headers fetch() would not send). */
function rawStatus(request: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString();
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match) {
        resolve(Number(match[1]));
        socket.destroy();
      }
    });
    socket.on("error", reject);
  });
}
