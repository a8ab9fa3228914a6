// Invariant: `npm run build` makes one binary that runs with no node_modules, from an empty working
// directory, configured only by the environment — the way the container runs it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawn, spawnSync } from "bun";
import pkg from "../package.json" with { type: "json" };
import { loadConfig } from "../src/config.ts";
import { randomId } from "../src/lib/crypto.ts";
import { insertProject } from "../src/store/projects.ts";
import { openStore } from "../src/store/store.ts";
import { insertTeam } from "../src/store/teams.ts";
import { insertItemWithScreenshot } from "./support/bulk-items.ts";
import { BUN, ROOT, startServerProcess } from "./support/subprocess.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";

const dir = tempDir("loupe-binary-");
const binary = join(dir.path, "bin", "loupe");
afterAll(() => dir.remove());

beforeAll(() => {
  const build = spawnSync([BUN, join(ROOT, "scripts", "build.ts"), binary], {
    cwd: ROOT,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
}, 120_000);

/** The container's view: an empty working directory, /data- and /keys-like volumes, a mounted secret. */
function containerLike() {
  const work = join(dir.path, "workdir");
  mkdirSync(work, { recursive: true });
  mkdirSync(join(dir.path, "secrets"), { recursive: true });
  const secret = join(dir.path, "secrets", "loupe_master_key");
  writeFileSync(secret, newMasterKeyText() + "\n", { mode: 0o400 });
  return {
    work,
    env: {
      LOUPE_HOST: "0.0.0.0",
      LOUPE_DATA_DIR: join(dir.path, "volumes", "data"),
      LOUPE_KEY_DIR: join(dir.path, "volumes", "keys"),
      LOUPE_MASTER_KEY_FILE: secret,
    },
  };
}

test("the binary prints its version from an empty directory", () => {
  const work = join(dir.path, "empty");
  mkdirSync(work, { recursive: true });
  const res = spawnSync([binary, "version"], { cwd: work, env: {}, stdout: "pipe", stderr: "pipe" });
  expect(res.exitCode).toBe(0);
  expect(res.stdout.toString().trim()).toBe(pkg.version);
});

test("the build writes a CycloneDX SBOM of exactly the production dependencies beside the binary (T-SC1)", () => {
  const bom = JSON.parse(readFileSync(`${binary}.cdx.json`, "utf8"));
  const root = bom.metadata.component;
  expect({
    format: bom.bomFormat,
    spec: bom.specVersion,
    name: root.name,
    version: root.version,
    type: root.type,
  }).toEqual({ format: "CycloneDX", spec: "1.5", name: "loupe", version: pkg.version, type: "application" });
  const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")).packages;
  const components = bom.components as { name: string; version: string; purl: string; hashes: { alg: string }[] }[];
  const version = (name: string) => components.find((c) => c.name === name)?.version;
  // Every production dependency at its locked version (npm's --omit=dev lost jose and nodemailer), no dev one.
  for (const dep of Object.keys(pkg.dependencies))
    expect({ dep, v: version(dep) }).toEqual({ dep, v: lock[`node_modules/${dep}`].version });
  for (const dev of Object.keys(pkg.devDependencies)) expect({ dev, v: version(dev) }).toEqual({ dev, v: undefined });
  for (const c of components) {
    expect(c.purl).toStartWith("pkg:npm/");
    expect(c.hashes.map((h) => h.alg)).toContain("SHA-512");
  }
  // The addon for this platform is listed; another platform's, which the binary cannot hold, is not.
  expect(version("@libsql/linux-x64-gnu") ?? version("@libsql/linux-arm64-gnu")).toBe(
    lock["node_modules/libsql"].version,
  );
  expect(version("@libsql/darwin-arm64")).toBeUndefined();
  expect(bom.dependencies.find((d: { ref: string }) => d.ref === `loupe@${pkg.version}`).dependsOn).toHaveLength(
    Object.keys(pkg.dependencies).length,
  );
});

test("the binary serves /healthz, /readyz, the widget and the admin UI with env-only config and no node_modules in reach", async () => {
  const { work, env } = containerLike();
  const server = await startServerProcess([binary, "serve"], env, work);
  const port = server.port;
  try {
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect((await ready.json()).status).toBe("ready");
    // The native libsql addon is embedded: nothing is loaded from the project's node_modules.
    const maps = readFileSync(`/proc/${server.proc.pid}/maps`, "utf8");
    expect(maps).not.toContain(join(ROOT, "node_modules"));
    // The widget is embedded: the loader and its chunks come from the binary, not from public/assets.
    const loader = await fetch(`http://127.0.0.1:${port}/widget.js`, { headers: { "Accept-Encoding": "identity" } });
    expect(loader.status).toBe(200);
    const loaderText = await loader.text();
    expect(loaderText).toBe(readFileSync(join(ROOT, "public", "assets", "widget.js"), "utf8"));
    const chunk = /"(widget\/app-[\w]+\.js)"/.exec(loaderText)?.[1];
    expect(chunk).toBeDefined();
    const app = await fetch(`http://127.0.0.1:${port}/${chunk}`, { headers: { "Accept-Encoding": "br" } });
    expect({ status: app.status, encoding: app.headers.get("Content-Encoding") }).toEqual({
      status: 200,
      encoding: "br",
    });
    // The admin UI too: a deep link answers its index.html under the strict CSP, and the module it
    // names comes from the binary, byte for byte the built one.
    const page = await fetch(`http://127.0.0.1:${port}/sign-in`);
    expect(page.status).toBe(200);
    expect(page.headers.get("Content-Security-Policy")).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toBe(readFileSync(join(ROOT, "public", "assets", "index.html"), "utf8"));
    const adminMain = /src="\/(admin\/main-[\w]+\.js)"/.exec(html)?.[1];
    expect(adminMain).toBeDefined();
    const ui = await fetch(`http://127.0.0.1:${port}/${adminMain}`, { headers: { "Accept-Encoding": "identity" } });
    expect(ui.status).toBe(200);
    expect(await ui.text()).toBe(readFileSync(join(ROOT, "public", "assets", adminMain!), "utf8"));
    expect(maps).not.toContain(join(ROOT, "public"));
    const check = spawn([binary, "healthcheck"], {
      cwd: work,
      env: { ...env, LOUPE_PORT: String(port) },
      stdout: "pipe",
    });
    expect(await check.exited).toBe(0);
  } finally {
    server.proc.kill("SIGTERM");
  }
  expect(await server.exited).toBe(0);
  // A mounted key was used, so no key was generated into the key volume (only the setup link is there).
  expect(spawnSync(["ls", "-A", env.LOUPE_KEY_DIR]).stdout.toString().trim()).toBe("setup-url.txt");
});

test("the binary takes a backup while it serves (its workers are embedded) and verifies it", async () => {
  const { work, env: shared } = containerLike();
  // Volumes of its own: containerLike() mounts a new master key each time.
  const env = {
    ...shared,
    LOUPE_DATA_DIR: join(dir.path, "volumes-backup", "data"),
    LOUPE_KEY_DIR: join(dir.path, "volumes-backup", "keys"),
  };
  // The binary makes its data directory; then 6 MB of screenshots go in, so that the age payload is sealed
  // and opened on the chunk workers (files under 4 MiB are done in the backup worker's own thread).
  const first = await startServerProcess([binary, "serve"], env, work);
  first.proc.kill("SIGTERM");
  expect(await first.exited).toBe(0);
  growDatabase(env, 6);

  const server = await startServerProcess([binary, "serve"], env, work);
  try {
    const backup = spawnSync([binary, "backup", "now"], { cwd: work, env, stdout: "pipe", stderr: "pipe" });
    expect({ code: backup.exitCode, stderr: backup.stderr.toString() }).toEqual({ code: 0, stderr: "" });
    const line = backup.stdout.toString().trim().split("\n").at(-1)!;
    expect(line).toMatch(/^backup \S+\.age \([\d.]+ MB\) written; restore drill passed in [\d.]+ s$/);
    expect(Number(/\(([\d.]+) MB\)/.exec(line)![1])).toBeGreaterThan(6);
    const verify = spawnSync([binary, "backup", "verify", line.split(" ")[1]!], { cwd: work, env, stdout: "pipe" });
    expect(verify.exitCode).toBe(0);
  } finally {
    server.proc.kill("SIGTERM");
  }
  expect(await server.exited).toBe(0);
});

/** Adds one feedback item per megabyte with a 1 MB screenshot of random bytes, to a stopped server's database. */
function growDatabase(env: Record<string, string>, megabytes: number): void {
  const store = openStore({ dataDir: env.LOUPE_DATA_DIR!, masterKey: loadConfig(env).masterKey, create: false });
  try {
    const now = Date.now();
    const teamId = randomId();
    const projectId = randomId();
    store.db.write((db) => {
      insertTeam(db, { id: teamId, name: "Binary backup", now });
      insertProject(db, {
        id: projectId,
        team_id: teamId,
        name: "Shop",
        widget_key: randomId(),
        settings: "{}",
        created_at: now,
        updated_at: now,
      });
      for (let i = 0; i < megabytes; i++)
        insertItemWithScreenshot(db, {
          teamId,
          projectId,
          now,
          title: `Item ${i}`,
          screenshot: randomBytes(1_000_000),
        });
    });
    store.db.checkpoint();
  } finally {
    store.close();
  }
}
