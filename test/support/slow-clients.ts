import { connect, type Socket } from "node:net";

/** A raw client connection and how it ended: closed by the server (not by us), and what it was sent. */
export type SlowClient = {
  socket: Socket;
  /** Resolves when the server closed the connection; `received` is everything it sent first. */
  closedByServer: Promise<{ received: string; at: number }>;
  /** Resolves at the first bytes the server sends. */
  firstData: Promise<void>;
  /** Stops dripping and closes our side (for cleanup). */
  destroy(): void;
};

function open(port: number, onConnect: (socket: Socket) => (() => void) | undefined): Promise<SlowClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let received = "";
    let stop: (() => void) | undefined;
    let destroyedByUs = false;
    const closedByServer = new Promise<{ received: string; at: number }>((done) => {
      socket.on("close", () => {
        stop?.();
        if (!destroyedByUs) done({ received, at: performance.now() });
      });
    });
    let answered = () => {};
    const firstData = new Promise<void>((done) => (answered = done));
    socket.on("data", (chunk) => {
      received += chunk.toString("latin1");
      answered();
    });
    socket.on("error", () => {});
    socket.once("connect", () => {
      stop = onConnect(socket);
      resolve({
        socket,
        closedByServer,
        firstData,
        destroy: () => {
          destroyedByUs = true;
          stop?.();
          socket.destroy();
        },
      });
    });
    socket.once("error", reject);
  });
}

/** Opens `count` connections in batches of 100 (so the listen backlog is never the limit). */
async function many(count: number, make: () => Promise<SlowClient>): Promise<SlowClient[]> {
  const out: SlowClient[] = [];
  while (out.length < count)
    out.push(...(await Promise.all(Array.from({ length: Math.min(100, count - out.length) }, make))));
  return out;
}

/** Connections that never send a byte. */
export function openIdle(port: number, count: number): Promise<SlowClient[]> {
  return many(count, () => open(port, () => undefined));
}

/** Slowloris: a request line, then one header byte every `everyMs`, never the blank line. */
export function openSlowloris(port: number, count: number, everyMs = 500): Promise<SlowClient[]> {
  return many(count, () =>
    open(port, (socket) => {
      socket.write("GET /healthz HTTP/1.1\r\nHost: loupe.test\r\nX-Slow: ");
      const timer = setInterval(() => socket.write("a"), everyMs);
      return () => clearInterval(timer);
    }),
  );
}

/** A complete request head announcing a body, then one body byte every `everyMs`. */
export function openSlowBody(port: number, count: number, everyMs = 500): Promise<SlowClient[]> {
  return many(count, () =>
    open(port, (socket) => {
      socket.write(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: loupe.test\r\nSec-Fetch-Site: same-origin\r\nX-Requested-With: test\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n",
      );
      const timer = setInterval(() => socket.write(" "), everyMs);
      return () => clearInterval(timer);
    }),
  );
}

/** Keep-alive connections that made one complete request, read its answer, and then stay silent. */
export async function openKeptAlive(port: number, count: number): Promise<SlowClient[]> {
  const clients = await many(count, () =>
    open(port, (socket) => {
      socket.write("GET /healthz HTTP/1.1\r\nHost: loupe.test\r\n\r\n");
      return undefined;
    }),
  );
  // Each has its answer before the idle period starts.
  await Promise.all(clients.map((client) => client.firstData));
  return clients;
}
