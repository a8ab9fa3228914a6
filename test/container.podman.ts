// Invariant (SECURITY.md T-SC2, issue 11 "the container, tested for real"): the Dockerfile builds an
// image that runs as the non-root user on a read-only root file system with only its volumes and a
// tmpfs /tmp writable, no capabilities; it answers /healthz and its HEALTHCHECK, opens its data with
// a master key from a mounted secret file (and refuses a wrong one), keeps its data across a restart
// in named volumes, and carries the binary and its SBOM — no sources, tests, .git or key material.
//
// Not part of `npm test` (building the image takes minutes): `npm run test:container`, a step of its
// own in .ci/run. It builds with Debian's podman on local stand-ins for the two base images
// (scripts/container-standins.ts: made once with debootstrap, then cached). Where podman cannot run,
// it is skipped with a loud message — except under CI (CI=1), where that is a failure.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { spawn, spawnSync } from "bun";
import pkg from "../package.json" with { type: "json" };
import {
  ensureStandinImages,
  PODMAN,
  STANDIN_BUILD_IMAGE,
  STANDIN_LABEL,
  STANDIN_RUNTIME_IMAGE,
} from "../scripts/container-standins.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";

const ROOT = resolve(import.meta.dir, "..");
const IMAGE = "localhost/loupe:container-test";
/** The limits this kind of machine needs spelled out (its hard nofile limit is 20000). */
const ULIMITS = ["--ulimit", "nofile=8192:8192", "--ulimit", "nproc=4096:4096"];
/** The README's run options: read-only root, a tmpfs /tmp that allows exec (see README, Docker). */
const HARDENING = [
  "--read-only",
  "--tmpfs",
  "/tmp:rw,exec,nosuid,nodev,size=64m",
  "--cap-drop=ALL",
  "--security-opt",
  "no-new-privileges",
];
const PUBLIC_URL = "https://loupe.test";
const SECRET_PATH = "/run/secrets/loupe_master_key";
const id = `${process.pid}-${Date.now().toString(36)}`;
const names = { container: `loupe-ct-${id}`, data: `loupe-ct-data-${id}`, keys: `loupe-ct-keys-${id}` };
const dir = tempDir("loupe-container-");

function podmanUsable(): string | null {
  const info = spawnSync([...PODMAN, "info", "--format", "{{.Host.OCIRuntime.Name}}"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (info.exitCode === 0) return null;
  return info.stderr.toString().trim() || "podman is not installed";
}
const unusable = (() => {
  try {
    return podmanUsable();
  } catch (error) {
    return (error as Error).message;
  }
})();
if (unusable) {
  const bar = "!".repeat(78);
  console.error(`\n${bar}\n!! SKIPPED the container test: podman cannot run here (${unusable}).\n${bar}\n`);
  if (process.env.CI) throw new Error(`podman cannot run under CI: ${unusable}`);
}
const ctest = unusable ? test.skip : test;

function podman(args: string[], options: { input?: string } = {}) {
  const res = spawnSync([...PODMAN, ...args], {
    cwd: ROOT,
    stdin: options.input === undefined ? "ignore" : new TextEncoder().encode(options.input),
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: res.exitCode, stdout: res.stdout.toString(), stderr: res.stderr.toString() };
}
function podmanOk(args: string[]): string {
  const res = podman(args);
  if (res.code !== 0) throw new Error(`podman ${args.join(" ")} failed (${res.code}): ${res.stderr.trim()}`);
  return res.stdout;
}
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** A master key file as a secret store mounts it: readable by the container's user only. */
function keyFile(name: string): string {
  const secrets = join(dir.path, name);
  mkdirSync(secrets, { mode: 0o700 });
  const file = join(secrets, "loupe_master_key");
  writeFileSync(file, newMasterKeyText() + "\n");
  chownSync(file, 65532, 65532);
  chmodSync(file, 0o400);
  return file;
}

function runArgs(name: string, key: string, extra: string[] = []): string[] {
  return [
    "run",
    "--name",
    name,
    ...HARDENING,
    ...ULIMITS,
    // No systemd here to run podman's health timers; the check is run on demand below.
    "--health-interval=disable",
    "-v",
    `${names.data}:/data`,
    "-v",
    `${names.keys}:/keys`,
    "--mount",
    `type=bind,src=${key},dst=${SECRET_PATH},readonly`,
    "-e",
    `LOUPE_MASTER_KEY_FILE=${SECRET_PATH}`,
    "-e",
    `LOUPE_PUBLIC_URL=${PUBLIC_URL}`,
    ...extra,
    IMAGE,
  ];
}

let origin = "";
/** Short ids (11 hex digits) of the images this run's build made or took from its cache. */
const usedImages = new Set<string>();
let masterKey = "";

/** Waits until the container answers /healthz on its published port (or fails with its log once it stopped). */
async function untilServing(name: string): Promise<string> {
  const port = podmanOk(["port", name, "8080"]).trim().split(":").at(-1);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return url;
    } catch {
      // not listening yet
    }
    if (podmanOk(["inspect", name, "--format", "{{.State.Running}}"]).trim() !== "true")
      throw new Error(`the container stopped: ${podman(["logs", name]).stderr}${podman(["logs", name]).stdout}`);
    await Bun.sleep(100);
  }
}

const api = (path: string, body: unknown) =>
  fetch(`${origin}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: PUBLIC_URL, "X-Requested-With": "test" },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  if (unusable) return;
  let started = performance.now();
  const built = ensureStandinImages((line) => console.log(line));
  console.log(built.length > 0 ? `stand-in base images built in ${seconds(started)}` : "stand-in base images: cached");
  started = performance.now();
  const build = spawn(
    [
      ...PODMAN,
      "build",
      "--format",
      "docker", // keeps HEALTHCHECK (the OCI format has no field for it)
      ...ULIMITS,
      "--build-arg",
      `BUILD_IMAGE=${STANDIN_BUILD_IMAGE}`,
      "--build-arg",
      `RUNTIME_IMAGE=${STANDIN_RUNTIME_IMAGE}`,
      "-t",
      IMAGE,
      ROOT,
    ],
    { cwd: ROOT, stdout: "pipe", stderr: "pipe" },
  );
  const [out, err, code] = await Promise.all([
    new Response(build.stdout).text(),
    new Response(build.stderr).text(),
    build.exited,
  ]);
  if (code !== 0) throw new Error(`podman build failed (${code}):\n${out.slice(-4000)}\n${err.slice(-4000)}`);
  for (const m of `${out}\n${err}`.matchAll(/^--> (?:Using cache )?([0-9a-f]{11,64})$/gm))
    usedImages.add(m[1]!.slice(0, 11));
  const size = Number(podmanOk(["image", "inspect", IMAGE, "--format", "{{.Size}}"]).trim());
  console.log(`image ${IMAGE} built in ${seconds(started)}: ${(size / 1e6).toFixed(0)} MB`);
  podmanOk(["volume", "create", names.data]);
  podmanOk(["volume", "create", names.keys]);
  masterKey = keyFile("secrets");
  started = performance.now();
  podmanOk([...runArgs(names.container, masterKey, ["-d", "-p", "127.0.0.1::8080"])]);
  origin = await untilServing(names.container);
  console.log(`container serving after ${seconds(started)}`);
}, 1_800_000);

afterAll(() => {
  if (!unusable) {
    // -v: also the anonymous volumes a container of this image gets when nothing is mounted on them.
    podman([
      "rm",
      "-f",
      "-v",
      "--ignore",
      "-t",
      "0",
      names.container,
      `${names.container}-wrong-key`,
      `${names.container}-files`,
    ]);
    for (const volume of [names.data, names.keys]) podman(["volume", "rm", "-f", volume]);
    // Untagged images of earlier builds (a build stage is about 1 GB) would pile up run after run;
    // the ones this build made or reused stay as the next run's layer cache. Only images built on the
    // stand-ins carry the label, so nothing else on the machine is touched.
    const stale = podman(["images", "--no-trunc", "--filter", "dangling=true", "--filter", `label=${STANDIN_LABEL}`])
      .stdout.split("\n")
      .map((line) => /sha256:([0-9a-f]{64})/.exec(line)?.[1])
      .filter((image): image is string => image !== undefined && !usedImages.has(image.slice(0, 11)));
    if (usedImages.size > 0 && stale.length > 0) podman(["rmi", ...stale]);
  }
  dir.remove();
});

ctest("the image: non-root user, HEALTHCHECK, volumes, the binary and its SBOM, no sources, tests or keys", () => {
  const config = JSON.parse(podmanOk(["image", "inspect", IMAGE, "--format", "{{json .Config}}"]));
  expect(config.User).toBe("65532:65532");
  const health = JSON.parse(podmanOk(["image", "inspect", IMAGE, "--format", "{{json .HealthCheck}}"]));
  expect(health.Test).toEqual(["CMD", "/usr/local/bin/loupe", "healthcheck"]);
  expect(Object.keys(config.Volumes).sort()).toEqual(["/data", "/keys"]);
  expect(config.Entrypoint).toEqual(["/usr/local/bin/loupe"]);

  podmanOk(["create", "--health-interval=disable", "--name", `${names.container}-files`, IMAGE]);
  const exported = spawnSync(["sh", "-c", `${PODMAN.join(" ")} export ${names.container}-files | tar -t`], {
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(exported.exitCode).toBe(0);
  const paths = exported.stdout
    .toString()
    .split("\n")
    .filter(Boolean)
    .map((p) => p.replace(/^\.?\//, ""));
  expect(paths).toContain("usr/local/bin/loupe");
  expect(paths).toContain("usr/local/share/loupe/sbom.cdx.json");
  const strays = paths.filter(
    (p) =>
      /(^|\/)(\.git|node_modules|test|src|scripts|migrations|bench|\.ci)(\/|$)/.test(p) ||
      /\.(ts|tsx|map)$|(^|\/)(package(-lock)?\.json|master\.key|keyring\.json|backup-identity\.txt|loupe\.db)$/.test(
        p,
      ) ||
      /^(data|keys)\/./.test(p),
  );
  expect(strays).toEqual([]);

  const copied = spawnSync(
    ["sh", "-c", `${PODMAN.join(" ")} cp ${names.container}-files:/usr/local/share/loupe/sbom.cdx.json - | tar -xO`],
    { stdout: "pipe", stderr: "pipe" },
  );
  const sbom = JSON.parse(copied.stdout.toString());
  expect({
    format: sbom.bomFormat,
    name: sbom.metadata.component.name,
    version: sbom.metadata.component.version,
  }).toEqual({ format: "CycloneDX", name: "loupe", version: pkg.version });
  const components = new Set(sbom.components.map((c: { name: string }) => c.name));
  for (const dep of Object.keys(pkg.dependencies)) expect(components.has(dep)).toBe(true);
  for (const dev of Object.keys(pkg.devDependencies)) expect(components.has(dev)).toBe(false);

  // The image's history holds no secret: the build never sees a key.
  const history = podmanOk(["history", "--no-trunc", "--format", "{{.CreatedBy}}", IMAGE]);
  expect(history).not.toContain("MASTER_KEY=");
  expect(history).toContain("HEALTHCHECK");
});

ctest("runs as uid 65532 with no capabilities on a read-only root; only /data, /keys and /tmp are writable", () => {
  const pid = podmanOk(["inspect", names.container, "--format", "{{.State.Pid}}"]).trim();
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  expect(/^Uid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(["65532", "65532", "65532", "65532"]);
  expect(/^Gid:\s+(.*)$/m.exec(status)?.[1]?.split(/\s+/)).toEqual(["65532", "65532", "65532", "65532"]);
  expect(/^CapEff:\s+(\w+)$/m.exec(status)?.[1]).toBe("0000000000000000");
  expect(/^NoNewPrivs:\s+(\d)$/m.exec(status)?.[1]).toBe("1");
  // mountinfo: field 5 is the mount point, field 6 its options; the super block's follow the " - ".
  const mounts = readFileSync(`/proc/${pid}/mountinfo`, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [before, after = ""] = line.split(" - ");
      const fields = before!.split(" ");
      return { point: fields[4]!, rw: fields[5]!.split(",").includes("rw"), fs: after.split(" ")[0]! };
    });
  const writable = mounts
    .filter((m) => m.rw && !["proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2"].includes(m.fs))
    .filter((m) => !m.point.startsWith("/dev") && !m.point.startsWith("/proc") && !m.point.startsWith("/sys"))
    .map((m) => m.point)
    .sort();
  expect(mounts.find((m) => m.point === "/")?.rw).toBe(false);
  // podman's --read-only also mounts tmpfs on /run and /var/tmp (its --read-only-tmpfs default).
  expect(writable.filter((p) => !["/run", "/var/tmp"].includes(p))).toEqual(["/data", "/keys", "/tmp"]);
  expect(mounts.find((m) => m.point === SECRET_PATH)?.rw).toBe(false);
});

ctest("/healthz, /readyz and the HEALTHCHECK command answer; the check fails when nothing answers", async () => {
  expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  const ready = await fetch(`${origin}/readyz`);
  expect({ status: ready.status, body: (await ready.json()).status }).toEqual({ status: 200, body: "ready" });
  const check = podman(["healthcheck", "run", names.container]);
  expect({ code: check.code, out: check.stdout.trim() }).toEqual({ code: 0, out: "" });
  expect(podmanOk(["inspect", names.container, "--format", "{{.State.Health.Status}}"]).trim()).toBe("healthy");
  // No debug surface and no source or config file is served (T-SC2).
  for (const path of ["/debug", "/debug/pprof", "/_debug", "/.env", "/.git/config", "/package.json", "/src/main.ts"]) {
    const res = await fetch(`${origin}${path}`);
    expect({ path, status: res.status }).toEqual({ path, status: 404 });
  }
  // The same command against a port nothing listens on exits 1: the check can fail.
  const wrongPort = podman(["exec", "-e", "LOUPE_PORT=9", names.container, "/usr/local/bin/loupe", "healthcheck"]);
  expect(wrongPort.code).toBe(1);
});

ctest("the master key comes from the mounted secret file: none is generated, and a wrong one is refused", () => {
  const check = podman(["exec", names.container, "/usr/local/bin/loupe", "config", "check"]);
  expect(check.code).toBe(0);
  expect(check.stdout).toMatch(new RegExp(`master key\\s+${SECRET_PATH} \\(id \\S+\\)`));
  const keysDir = podmanOk(["volume", "inspect", names.keys, "--format", "{{.Mountpoint}}"]).trim();
  const files = spawnSync(["ls", "-A", keysDir], { stdout: "pipe" }).stdout.toString().split("\n").filter(Boolean);
  expect(files).not.toContain("master.key");
  // The secret never reaches the data volume.
  const dataDir = podmanOk(["volume", "inspect", names.data, "--format", "{{.Mountpoint}}"]).trim();
  const key = readFileSync(masterKey, "utf8").trim();
  for (const name of spawnSync(["ls", "-A", dataDir], { stdout: "pipe" }).stdout.toString().split("\n").filter(Boolean))
    expect(readFileSync(join(dataDir, name)).includes(key)).toBe(false);
});

ctest("data in the named volumes survives a restart; another key cannot open it", async () => {
  const keysDir = podmanOk(["volume", "inspect", names.keys, "--format", "{{.Mountpoint}}"]).trim();
  const setupUrl = readFileSync(join(keysDir, "setup-url.txt"), "utf8").trim();
  expect(setupUrl).toStartWith(`${PUBLIC_URL}/setup#token=`);
  const account = { email: "admin@example.test", password: "container-admin-passphrase" };
  const created = await api("/api/v1/setup", {
    token: setupUrl.split("#token=")[1],
    displayName: "Admin",
    ...account,
  });
  expect(created.status).toBe(201);
  expect((await api("/api/v1/auth/login", account)).status).toBe(200);

  // Stopped (SIGTERM: a clean shutdown), then a container with another key on the same volumes.
  podmanOk(["stop", "-t", "20", names.container]);
  expect(podmanOk(["inspect", names.container, "--format", "{{.State.ExitCode}}"]).trim()).toBe("0");
  const wrong = podman(runArgs(`${names.container}-wrong-key`, keyFile("wrong-secrets"), ["--rm"]));
  expect(wrong.code).toBe(2);
  expect(`${wrong.stdout}${wrong.stderr}`).toContain("master key");

  const restarted = performance.now();
  podmanOk(["start", names.container]);
  origin = await untilServing(names.container);
  console.log(`restarted and serving in ${seconds(restarted)}`);
  // The account is still there, setup stays closed, and a wrong password is still wrong.
  expect((await api("/api/v1/auth/login", account)).status).toBe(200);
  expect((await api("/api/v1/auth/login", { ...account, password: "not-the-passphrase" })).status).toBe(401);
  expect((await fetch(`${origin}/api/v1/setup`)).status).toBe(404);
});
