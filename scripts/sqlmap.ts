/**
 * `npm run sqlmap` (T-V3): Debian's sqlmap against a running Loupe — the real app on a real encrypted
 * database in a temporary directory, served on a local port, with a seeded team — on representative
 * endpoints: full-text search and the list (query parameters), a path parameter, and JSON bodies.
 * It sends the owner's session cookie and the same-origin headers state-changing requests need.
 * Prints sqlmap's verdict per target and the server's answers by status; exits non-zero if sqlmap
 * reports an injectable parameter or the server answered any 5xx. `--level=3 --risk=2` by default
 * (SQLMAP_LEVEL / SQLMAP_RISK to change).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "bun";
import { seedTeam } from "../test/support/teams.ts";
import { createTestApp, fastPasswords } from "../test/support/test-app.ts";

const level = process.env.SQLMAP_LEVEL ?? "3";
const risk = process.env.SQLMAP_RISK ?? "2";
const sqlmap = Bun.which("sqlmap");
if (!sqlmap) {
  console.error("sqlmap is not installed (Debian: apt-get install sqlmap)");
  process.exit(process.env.CI ? 1 : 0);
}

const t = createTestApp({}, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
const team = await seedTeam(t, "sqlmap");
const server = Bun.serve({
  port: 0,
  hostname: "127.0.0.1",
  reusePort: false,
  fetch: (req, srv) => t.app.fetch(req, { clientIp: srv.requestIP(req)?.address }),
});
const base = `http://127.0.0.1:${server.port}`;
const origin = t.config.publicOrigin;
const T = `${base}/api/v1/teams/${team.team.id}`;
const cookie = team.owner.browser.cookieHeader();

type Target = { name: string; url: string; method?: string; data?: string };
const targets: Target[] = [
  { name: "search (q, status, sort)", url: `${T}/feedback/search?q=reporter&status=open&sort=relevance` },
  {
    name: "list (status, projectId, sort, limit)",
    url: `${T}/feedback?status=open&projectId=${team.project.id}&sort=newest&limit=20`,
  },
  { name: "item (path parameter)", url: `${T}/feedback/${team.item.id}*` },
  {
    name: "comment (JSON body)",
    url: `${T}/feedback/${team.item.id}/comments`,
    method: "POST",
    data: JSON.stringify({ body: "a note" }),
  },
  {
    name: "label (JSON body, PATCH)",
    url: `${T}/labels/${team.label.id}`,
    method: "PATCH",
    data: JSON.stringify({ name: "bug", color: "#cc3333" }),
  },
];

const out = mkdtempSync(join(tmpdir(), "loupe-sqlmap-"));
let vulnerable = 0;
const started = performance.now();
for (const target of targets) {
  const args = [
    sqlmap,
    "-u",
    target.url,
    "--batch",
    `--level=${level}`,
    `--risk=${risk}`,
    "--dbms=SQLite",
    "--flush-session",
    `--output-dir=${out}`,
    `--cookie=${cookie}`,
    `--headers=${["Origin: " + origin, "X-Requested-With: loupe", "Accept: application/json", ...(target.data ? ["Content-Type: application/json"] : [])].join("\n")}`,
    // The session must survive: sqlmap may not follow its own guesses into sign-out or deletion.
    "--skip-static",
    ...(target.method ? [`--method=${target.method}`] : []),
    ...(target.data ? [`--data=${target.data}`] : []),
  ];
  const t0 = performance.now();
  const proc = spawn(args, { stdout: "pipe", stderr: "pipe" });
  const text = (await new Response(proc.stdout).text()) + (await new Response(proc.stderr).text());
  await proc.exited;
  const injectable =
    /is vulnerable|appears to be injectable|might be injectable|sqlmap identified the following injection point/i.test(
      text,
    );
  const verdict = injectable
    ? "INJECTABLE"
    : /do not appear to be injectable|does not seem to be injectable/i.test(text)
      ? "not injectable"
      : "no verdict (see below)";
  if (injectable) vulnerable++;
  console.log(`${target.name}: ${verdict} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  if (verdict !== "not injectable")
    console.log(
      text
        .split("\n")
        .filter((l) => /\[(CRITICAL|WARNING|INFO)\]|injectable|Parameter:/.test(l))
        .slice(-15)
        .join("\n"),
    );
}
const statuses: Record<string, number> = {};
for (const line of t.logs.lines) {
  const entry = JSON.parse(line) as { msg?: string; status?: number };
  if (entry.msg === "request" && entry.status) statuses[entry.status] = (statuses[entry.status] ?? 0) + 1;
}
const errors = Object.entries(statuses)
  .filter(([s]) => Number(s) >= 500)
  .reduce((n, [, c]) => n + c, 0);
console.log(
  `server answers by status: ${JSON.stringify(statuses)}; ${((performance.now() - started) / 1000).toFixed(0)} s in all`,
);
server.stop(true);
t.close();
rmSync(out, { recursive: true, force: true });
if (vulnerable > 0 || errors > 0) {
  console.error(`sqlmap: ${vulnerable} injectable target(s), ${errors} answer(s) 5xx`);
  process.exit(1);
}
console.log("sqlmap: no injectable parameter, no 5xx");
