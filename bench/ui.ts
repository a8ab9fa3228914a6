/**
 * The admin UI (issue 9): what the sign-in and inbox routes download before they can be used
 * (min+gzip and brotli of index.html and every file it loads, target ≤ 50 KB), the time to an
 * interactive inbox in Chromium with 100,000 items in the encrypted database, and the inbox's API
 * (list pages in every order, filtered, deep, across teams; search, plain and filtered) p50/p95
 * beside a bare point read, all from the same run. Figures, not assertions.
 *
 * Items are written through the store in bulk (test/support/inbox-seed.ts), not one by one over HTTP.
 * BENCH_UI_ITEMS changes the volume.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Browser as Chromium, chromium as playwright } from "playwright-core";
import { ASSETS_DIR, ensureAssets, type Manifest } from "../scripts/build-assets.ts";
import { findFeedback } from "../src/store/feedback.ts";
import { signedInUser } from "../test/support/accounts.ts";
import { seedInbox } from "../test/support/inbox-seed.ts";
import { createTestApp, fastPasswords, type TestContext } from "../test/support/test-app.ts";

const ITEMS = Number(process.env.BENCH_UI_ITEMS ?? 100_000);
const BUDGET = 50 * 1024;
const kb = (n: number) => `${(n / 1024).toFixed(2)} KB`;

function percentile(xs: number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
const median = (xs: number[]) => percentile(xs, 50);

/** index.html and what it loads before anything runs: its stylesheet, its module and that module's static imports. */
function initialFiles(manifest: Manifest): string[] {
  const read = (file: string) => readFileSync(join(ASSETS_DIR, file), "utf8");
  const html = read("index.html");
  const linked = [...html.matchAll(/(?:href|src)="\/(admin\/[^"]+)"/g)].map((m) => m[1]!);
  const scanner = new Bun.Transpiler({ loader: "js" });
  const seen = new Set<string>(["index.html"]);
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith(".js")) return;
    for (const imp of scanner.scanImports(read(file)))
      if (imp.kind === "import-statement") visit(join(file, "..", imp.path).replace(/^\.\//, ""));
  };
  for (const file of linked) visit(file);
  const known = new Set(manifest.files.map((f) => f.file));
  return [...seen].filter((file) => known.has(file));
}

function sizes(manifest: Manifest, files: Iterable<string>): { gzip: number; brotli: number; bytes: number } {
  const byFile = new Map(manifest.files.map((f) => [f.file, f]));
  let gzip = 0;
  let brotli = 0;
  let bytes = 0;
  for (const file of files) {
    const entry = byFile.get(file);
    if (!entry) continue;
    gzip += entry.gzip;
    brotli += entry.brotli;
    bytes += entry.bytes;
  }
  return { gzip, brotli, bytes };
}

export async function benchUi(): Promise<void> {
  const { manifest } = await ensureAssets();
  const initial = initialFiles(manifest);
  const fromIndex = sizes(manifest, initial);
  console.log(`admin UI: initial payload (index.html and what it loads: ${initial.length} files)`);
  console.log(
    `  static closure            ${kb(fromIndex.gzip)} min+gzip, ${kb(fromIndex.brotli)} brotli (${kb(fromIndex.bytes)} minified; target ≤ ${kb(BUDGET)})`,
  );

  let t: TestContext | undefined;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    reusePort: false,
    fetch: (request, s) => t!.app.fetch(request, { clientIp: s.requestIP(request)?.address }),
  });
  const origin = `http://127.0.0.1:${server.port}`;
  t = createTestApp(
    { LOUPE_PUBLIC_URL: origin },
    { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000, clockStart: Date.now() },
  );
  let chromium: Chromium | undefined;
  try {
    const owner = await signedInUser(t, { email: "owner@bench.example" });
    const member = await signedInUser(t, { email: "member@bench.example" });
    const reporter = await signedInUser(t, { email: "reporter@bench.example" });
    const team = (await (await owner.browser.post("/api/v1/teams", { name: "Bench" })).json()) as { id: string };
    const T = `/api/v1/teams/${team.id}`;
    for (const [person, role] of [
      [member, "member"],
      [reporter, "reporter"],
    ] as const) {
      const invite = (await (await owner.browser.post(`${T}/invitations`, { email: person.email, role })).json()) as {
        url: string;
      };
      await person.browser.post("/api/v1/invitations/accept", { token: new URL(invite.url).hash.slice(7) });
    }
    const project = (await (await owner.browser.post(`${T}/projects`, { name: "Shop" })).json()) as { id: string };
    // A second team of the member's, for the list across teams.
    const other = (await (await member.browser.post("/api/v1/teams", { name: "Side" })).json()) as { id: string };
    const otherProject = (await (
      await member.browser.post(`/api/v1/teams/${other.id}/projects`, { name: "Docs" })
    ).json()) as { id: string };

    // Bulk seeding wants a large page cache (each transaction touches every index); then the server's.
    const db = t.store.db;
    db.pragma("cache_size = -262144");
    const started = performance.now();
    const seeded = seedInbox(t, {
      teamId: team.id,
      projectId: project.id,
      memberId: member.user.id,
      ownerId: owner.user.id,
      reporterId: reporter.user.id,
      n: ITEMS,
    });
    seedInbox(t, {
      teamId: other.id,
      projectId: otherProject.id,
      memberId: member.user.id,
      ownerId: member.user.id,
      reporterId: member.user.id,
      n: Math.round(ITEMS / 10),
    });
    const seedSeconds = (performance.now() - started) / 1000;
    db.pragma("cache_size = -32768");
    db.checkpoint();

    // The browser: sign-in and the inbox, each in a fresh context (a cold HTTP cache).
    chromium = await playwright.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox"] });
    const loaded = async (path: string, cookies: Map<string, string> | undefined, ready: string) => {
      const context = await chromium!.newContext({ viewport: { width: 1280, height: 800 } });
      if (cookies)
        await context.addCookies([...cookies].map(([name, value]) => ({ name, value, url: origin, httpOnly: true })));
      const page = await context.newPage();
      const files = new Set<string>();
      page.on("response", (response) => {
        const url = new URL(response.url());
        if (
          url.origin === origin &&
          (url.pathname.startsWith("/admin/") || response.request().resourceType() === "document")
        )
          files.add(url.pathname.startsWith("/admin/") ? url.pathname.slice(1) : "index.html");
      });
      const s = performance.now();
      await page.goto(`${origin}${path}`);
      await page.locator(ready).first().waitFor();
      const ms = performance.now() - s;
      await context.close();
      return { ms, files };
    };
    const signIn = await loaded("/sign-in", undefined, "input[name=email]");
    const inboxRuns: number[] = [];
    let inboxFiles = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const run = await loaded("/", owner.browser.cookies, ".list ul li button.row");
      if (i > 0) inboxRuns.push(run.ms); // The first warms the server's caches.
      inboxFiles = run.files;
    }
    const signInSize = sizes(manifest, signIn.files);
    const inboxSize = sizes(manifest, inboxFiles);
    console.log(
      `  /sign-in as loaded        ${kb(signInSize.gzip)} min+gzip, ${kb(signInSize.brotli)} brotli (${signIn.files.size} files)`,
    );
    console.log(
      `  / (inbox) as loaded       ${kb(inboxSize.gzip)} min+gzip, ${kb(inboxSize.brotli)} brotli (${inboxFiles.size} files)`,
    );
    console.log();
    console.log(
      `admin UI with ${ITEMS.toLocaleString("en")} items in the encrypted database (seeded through the store in ${seedSeconds.toFixed(1)} s)`,
    );
    console.log(
      `  time to an interactive inbox (first rows shown, cold HTTP cache): median ${median(inboxRuns).toFixed(0)} ms, max ${Math.max(...inboxRuns).toFixed(0)} ms (${inboxRuns.length} loads)`,
    );

    // The API, in process (no socket), as the page calls it.
    const run = async (path: string | ((i: number) => string), n: number, who = member) => {
      const times: number[] = [];
      for (let i = 0; i < n + 10; i++) {
        const url = typeof path === "string" ? path : path(i);
        const s = performance.now();
        const res = await who.browser.get(url);
        if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        if (i >= 10) times.push(performance.now() - s);
      }
      return times;
    };
    const cursorAfter = async (path: string, pages: number) => {
      let cursor: string | null = null;
      for (let i = 0; i < pages; i++) {
        const page = (await (await member.browser.get(`${path}${cursor ? `&cursor=${cursor}` : ""}`)).json()) as {
          nextCursor: string | null;
        };
        cursor = page.nextCursor;
      }
      return `${path}&cursor=${cursor}`;
    };
    const rows: [string, number[], number?][] = [];
    rows.push(["list page, newest (the inbox's first call)", await run(`${T}/feedback?limit=50`, 200), 50]);
    rows.push([
      "list page, status + project + unassigned",
      await run(`${T}/feedback?limit=50&status=new&projectId=${seeded.projects.small}&assigneeId=none`, 200),
      50,
    ]);
    rows.push(["list page, a rare label", await run(`${T}/feedback?limit=50&labelId=${seeded.labels.rare}`, 100), 50]);
    rows.push([
      "list page, screenshot + rating ≥ 4",
      await run(`${T}/feedback?limit=50&hasScreenshot=1&ratingMin=4`, 100),
      50,
    ]);
    rows.push(["list page, lowest rating first", await run(`${T}/feedback?limit=50&sort=rating`, 100), 50]);
    rows.push([
      "list page 40 deep, highest rating first",
      await run(await cursorAfter(`${T}/feedback?limit=50&sort=rating_desc`, 40), 100),
      50,
    ]);
    rows.push([
      "list page 40 deep, oldest first, a project",
      await run(await cursorAfter(`${T}/feedback?limit=50&sort=oldest&projectId=${seeded.projects.big}`, 40), 100),
      50,
    ]);
    rows.push([
      "list page, nothing matches: in progress + screenshot",
      await run(`${T}/feedback?limit=50&status=in_progress&hasScreenshot=1`, 50),
      50,
    ]);
    // No filter names few items and none matches: the whole order index is read (the worst case).
    rows.push([
      "list page, nothing matches: screenshot + rating ≤ 0",
      await run(`${T}/feedback?limit=50&hasScreenshot=1&ratingMax=0`, 50),
      50,
    ]);
    rows.push(["list page, a reporter's own items", await run(`${T}/feedback?limit=50`, 100, reporter), 50]);
    rows.push(["list page across teams (2 teams)", await run("/api/v1/feedback?limit=50", 100), 50]);
    rows.push(["search, a common word (1 in 15 items)", await run(`${T}/feedback/search?q=safari&limit=50`, 100), 100]);
    rows.push(["search, a rare word", await run((i) => `${T}/feedback/search?q=unique${i}7&limit=50`, 100), 100]);
    rows.push([
      "search, common word + status + screenshot",
      await run(`${T}/feedback/search?q=checkout&status=new&hasScreenshot=1&limit=50`, 100),
      100,
    ]);
    rows.push([
      "search, common word, newest first",
      await run(`${T}/feedback/search?q=menu&sort=newest&limit=50`, 100),
      100,
    ]);
    const reads: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const s = performance.now();
      findFeedback(db, team.id, seeded.ids[(i * 7919) % seeded.ids.length]!);
      reads.push(performance.now() - s);
    }
    rows.push(["bare point read by id + team (baseline)", reads]);
    for (const [label, xs, target] of rows)
      console.log(
        `  ${label.padEnd(50)} p50 ${percentile(xs, 50).toFixed(2).padStart(7)} ms   p95 ${percentile(xs, 95).toFixed(2).padStart(7)} ms${target ? `   (target p95 ≤ ${target} ms)` : ""}`,
      );
    console.log(
      `  ratio first page p95 ÷ point read p95: ${(percentile(rows[0]![1], 95) / percentile(reads, 95)).toFixed(0)}×`,
    );
  } finally {
    await chromium?.close();
    server.stop(true);
    t.close();
  }
}

if (import.meta.main) await benchUi();
