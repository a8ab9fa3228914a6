/**
 * Certificate reload (SIGHUP) under load: 4 request loops on fresh HTTPS connections against the real
 * server while it swaps its certificate ROUNDS times. Prints the requests served, those that failed
 * (a connection attempted in the instant between the old listener's close and the new one's bind is
 * refused, and one still in the old listener's accept queue is reset by the kernel), how long the port
 * had no listener, and the time from the signal to the `tls.reloaded` log line. Target: 0 failed in-flight requests
 * (test/transport.tls.test.ts asserts that one); refused new connections are reported, not hidden.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { makeCertificate } from "../test/support/certificates.ts";
import { CLI, startServerProcess } from "../test/support/subprocess.ts";
import { newMasterKeyText, tempDir } from "../test/support/temp.ts";

const ROUNDS = Number(process.env.BENCH_TLS_RELOADS ?? 20);

export async function benchTlsReload(): Promise<void> {
  const dir = tempDir("loupe-bench-tls-");
  try {
    const certs = [await makeCertificate(dir.path, "a"), await makeCertificate(dir.path, "b", { kind: "rsa" })];
    const served = { cert: join(dir.path, "served.crt"), key: join(dir.path, "served.key") };
    const use = (i: number) => {
      const c = certs[i % 2] as (typeof certs)[number];
      copyFileSync(c.certFile, served.cert);
      copyFileSync(c.keyFile, served.key);
    };
    use(0);
    const server = await startServerProcess(CLI, {
      LOUPE_DATA_DIR: join(dir.path, "data"),
      LOUPE_KEY_DIR: join(dir.path, "keys"),
      LOUPE_MASTER_KEY: newMasterKeyText(),
      LOUPE_TLS_CERT: served.cert,
      LOUPE_TLS_KEY: served.key,
    });
    let ok = 0;
    let failed = 0;
    let running = true;
    const errors = new Map<string, number>();
    const loop = async () => {
      while (running) {
        try {
          const res = await fetch(`${server.url}/healthz`, {
            tls: { rejectUnauthorized: false },
            headers: { Connection: "close" },
          });
          await res.arrayBuffer();
          if (res.status === 200) ok++;
          else failed++;
        } catch (error) {
          failed++;
          const code = (error as { code?: string }).code ?? String(error);
          errors.set(code, (errors.get(code) ?? 0) + 1);
        }
      }
    };
    const loops = Array.from({ length: 4 }, loop);
    const swapMs: number[] = [];
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        use(round);
        const seen = server.stdout().split('"tls.reloaded"').length;
        const started = performance.now();
        server.proc.kill("SIGHUP");
        while (server.stdout().split('"tls.reloaded"').length === seen) await Bun.sleep(1);
        swapMs.push(performance.now() - started);
        await Bun.sleep(50);
      }
    } finally {
      running = false;
      await Promise.all(loops);
      server.proc.kill("SIGTERM");
      await server.exited;
    }
    swapMs.sort((a, b) => a - b);
    const gaps = server
      .stdout()
      .split("\n")
      .filter((line) => line.includes('"tls.reloaded"'))
      .map((line) => (JSON.parse(line) as { durationMs: number }).durationMs)
      .sort((a, b) => a - b);
    console.log(`tls reload (SIGHUP ×${ROUNDS} under 4 request loops on fresh HTTPS connections)`);
    console.log(`  requests served            ${ok}`);
    console.log(
      `  requests failed            ${failed}   (${[...errors].map(([code, n]) => `${code} ×${n}`).join(", ") || "none"})`,
    );
    console.log(
      `  no listener (stop → bind)  median ${gaps[Math.floor(gaps.length / 2)]?.toFixed(2)} ms, max ${gaps.at(-1)?.toFixed(2)} ms`,
    );
    console.log(
      `  signal → reloaded          median ${swapMs[Math.floor(swapMs.length / 2)]?.toFixed(1)} ms, max ${swapMs.at(-1)?.toFixed(1)} ms`,
    );
  } finally {
    dir.remove();
  }
}

if (import.meta.main) await benchTlsReload();
