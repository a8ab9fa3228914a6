/**
 * T-R7: latency of normal requests to the real server process while 1,000 idle, 100 slowloris and
 * 50 slow-body connections are open, beside the same requests with none open (same run). Target: p95 < 500 ms.
 * Plain HTTP and HTTPS (the handshake included: every request on a fresh connection).
 */
import { join } from "node:path";
import { makeCertificate } from "../test/support/certificates.ts";
import { openIdle, openSlowBody, openSlowloris, type SlowClient } from "../test/support/slow-clients.ts";
import { CLI, startServerProcess } from "../test/support/subprocess.ts";
import { newMasterKeyText, tempDir } from "../test/support/temp.ts";

const REQUESTS = Number(process.env.BENCH_SLOW_CLIENT_REQUESTS ?? 300);

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** REQUESTS sequential GET /healthz, each on a new connection, 4 at a time; their latencies in ms. */
async function measure(url: string): Promise<number[]> {
  const out: number[] = [];
  const insecure = url.startsWith("https:") ? { tls: { rejectUnauthorized: false } } : {};
  for (let i = 0; i < REQUESTS; i += 4) {
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        const started = performance.now();
        const res = await fetch(`${url}/healthz`, { ...insecure, keepalive: false });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`healthz answered ${res.status}`);
        out.push(performance.now() - started);
      }),
    );
  }
  return out;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

export async function benchSlowClients(): Promise<void> {
  const dir = tempDir("loupe-bench-slow-");
  console.log(`slow clients (T-R7: ${REQUESTS} requests on fresh connections, 4 at a time; target p95 < 500 ms)`);
  try {
    const cert = await makeCertificate(dir.path, "bench");
    for (const tls of [false, true]) {
      const server = await startServerProcess(CLI, {
        LOUPE_DATA_DIR: join(dir.path, `data-${tls}`),
        LOUPE_KEY_DIR: join(dir.path, `keys-${tls}`),
        LOUPE_MASTER_KEY: newMasterKeyText(),
        ...(tls ? { LOUPE_TLS_CERT: cert.certFile, LOUPE_TLS_KEY: cert.keyFile } : {}),
      });
      const clients: SlowClient[] = [];
      try {
        await measure(server.url); // warm-up
        const quiet = await measure(server.url);
        clients.push(...(await openIdle(server.port, 1000)));
        clients.push(...(await openSlowloris(server.port, 100)));
        clients.push(...(await openSlowBody(server.port, 50)));
        const loaded = await measure(server.url);
        const label = tls ? "https" : "http ";
        console.log(`  ${label} none open        p50 ${fmt(percentile(quiet, 50))}  p95 ${fmt(percentile(quiet, 95))}`);
        console.log(
          `  ${label} 1,150 slow open  p50 ${fmt(percentile(loaded, 50))}  p95 ${fmt(percentile(loaded, 95))}  (×${(percentile(loaded, 95) / percentile(quiet, 95)).toFixed(2)} of quiet p95)`,
        );
      } finally {
        for (const client of clients) client.destroy();
        server.proc.kill("SIGTERM");
        await server.exited;
      }
    }
  } finally {
    dir.remove();
  }
}

if (import.meta.main) await benchSlowClients();
