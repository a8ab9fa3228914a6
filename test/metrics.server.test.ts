// Invariant: on the real server, GET /metrics is served on its own listener (LOUPE_METRICS_PORT, bound to
// 127.0.0.1 by default) and not on the public one, or on the public one only to its bearer token; what it
// serves passes a strict parser and, where installed, Prometheus's own `promtool check metrics`.
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { parsePrometheusText, sampleValue } from "./support/prometheus.ts";
import { CLI, type RunningServer, startServerProcess } from "./support/subprocess.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";

const dir = tempDir();
afterAll(() => dir.remove());

const TOKEN = "0123456789abcdef0123456789abcdef-metrics";

function env(name: string, extra: Record<string, string>): Record<string, string> {
  return {
    LOUPE_DATA_DIR: join(dir.path, name, "data"),
    LOUPE_KEY_DIR: join(dir.path, name, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    ...extra,
  };
}

/** The metrics port the server logged (its `metrics.listening` event) and announced on stderr. */
async function metricsPort(server: RunningServer): Promise<number> {
  await server.waitForStdout('"metrics.listening"');
  const line = server
    .stdout()
    .split("\n")
    .find((l) => l.includes('"metrics.listening"'));
  const port = (JSON.parse(line ?? "{}") as { port?: number }).port;
  expect(server.stderr()).toContain(`Metrics are served on http://127.0.0.1:${port}/metrics.`);
  return port as number;
}

async function stop(server: RunningServer): Promise<void> {
  server.proc.kill("SIGTERM");
  expect(await server.exited).toBe(0);
}

/** `promtool check metrics` (Debian's prometheus package): a missing tool is a failure under CI, a loud skip elsewhere. */
function promtool(text: string): { ran: boolean; status?: number; output?: string } {
  const probe = spawnSync("promtool", ["--version"], { encoding: "utf8" });
  if (probe.error) {
    if (process.env.CI) throw new Error("promtool is missing (apt-get install prometheus); CI must run it");
    console.warn("metrics.server: promtool is not installed here; only the strict parser checked the output");
    return { ran: false };
  }
  const run = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  return { ran: true, status: run.status ?? -1, output: `${run.stdout}${run.stderr}` };
}

test("LOUPE_METRICS_PORT: /metrics on its own localhost listener, 404 on the public one; counters follow requests", async () => {
  const server = await startServerProcess(CLI, env("port", { LOUPE_METRICS_PORT: "0" }));
  try {
    const port = await metricsPort(server);
    expect(port).not.toBe(server.port);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const url = `http://127.0.0.1:${port}/metrics`;
    const first = parsePrometheusText(await (await fetch(url)).text());
    const healthz = { method: "GET", route: "/healthz", status: "200" };
    const before = sampleValue(first, "loupe_http_requests_total", healthz) ?? 0;
    for (let i = 0; i < 4; i++) expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    const families = parsePrometheusText(text);
    expect(sampleValue(families, "loupe_http_requests_total", healthz)).toBe(before + 4);
    expect(sampleValue(families, "process_resident_memory_bytes")).toBeGreaterThan(1_000_000);
    expect(sampleValue(families, "loupe_database_bytes")).toBeGreaterThan(0);
    const checked = promtool(text);
    if (checked.ran) expect(`${checked.status} ${checked.output}`).toBe("0 ");
    // Only /metrics lives there.
    const other = await fetch(`http://127.0.0.1:${port}/api/v1/me`);
    expect(other.status).toBe(404);
    // Bound to the loopback address: another address of this machine does not answer.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    if (external) {
      const refused = await fetch(`http://${external}:${port}/metrics`).then(
        () => "answered",
        () => "refused",
      );
      expect(refused).toBe("refused");
    } else {
      console.warn("metrics.server: no non-loopback IPv4 address here; the bind address was not probed");
    }
  } finally {
    await stop(server);
  }
});

test("LOUPE_METRICS_TOKEN on the real server: 401 without or with a wrong token, 200 with it", async () => {
  const server = await startServerProcess(CLI, env("token", { LOUPE_METRICS_TOKEN: TOKEN }));
  try {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN.slice(0, -1)}!` } });
    expect(wrong.status).toBe(401);
    const ok = await fetch(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    const families = parsePrometheusText(await ok.text());
    expect(
      sampleValue(families, "loupe_http_requests_total", { method: "GET", route: "/metrics", status: "401" }),
    ).toBe(2);
    expect(server.stdout()).not.toContain(TOKEN);
    expect(server.stderr()).not.toContain(TOKEN);
  } finally {
    await stop(server);
  }
});
