/**
 * Local stand-ins for the Dockerfile's two base images, made from Debian's own packages, for machines
 * that can reach Debian's mirror and npm but no container registry (CI here):
 *
 *   BUILD_IMAGE   node:20-bookworm-slim       →  localhost/loupe-standin/build   (`debootstrap
 *                 --variant=minbase bookworm` + ca-certificates, with this machine's Node.js and npm
 *                 copied to /usr/local as the official node image has them — Debian's own npm 9.2 has
 *                 no `npm sbom` — and this machine's CA bundle, so `npm ci` in the build also works
 *                 behind a TLS-intercepting proxy that this machine trusts)
 *   RUNTIME_IMAGE gcr.io/distroless/cc-…:nonroot  →  localhost/loupe-standin/runtime (only libc6,
 *                 libgcc-s1, libstdc++6 and tzdata unpacked from the same packages, the CA bundle, and
 *                 a passwd naming uid 65532 `nonroot`: no shell, no package manager, like distroless cc)
 *
 * Both are built once and kept in podman's image store (tag = recipe version); later runs reuse them.
 * Measured on a shared 2-core machine: 100–185 s for both (debootstrap is most of it).
 *
 *   bun scripts/container-standins.ts      # build them if missing, print their names
 */

import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { spawnSync } from "bun";

/** The tags name the recipe's version: raise one when its recipe below changes, so a cached image is rebuilt. */
export const STANDIN_BUILD_IMAGE = "localhost/loupe-standin/build:bookworm-node20-v3";
export const STANDIN_RUNTIME_IMAGE = "localhost/loupe-standin/runtime:bookworm-v2";
/** Both stand-ins carry it, so every image built on them does: the test prunes its own leftovers by it. */
export const STANDIN_LABEL = "org.loupe.standin";

/** Global podman options for machines like CI's: runc, and cgroups through the file system (no systemd). */
export const PODMAN = ["podman", "--runtime", "runc", "--cgroup-manager=cgroupfs"];

function sh(cmd: string[], options: { input?: Uint8Array; cwd?: string } = {}): string {
  const res = spawnSync(cmd, {
    cwd: options.cwd,
    stdin: options.input ?? "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  if (res.exitCode !== 0)
    throw new Error(`${cmd.join(" ")} failed (exit ${res.exitCode}): ${res.stderr.toString().trim().slice(-2000)}`);
  return res.stdout.toString();
}

export function imageExists(name: string): boolean {
  return spawnSync([...PODMAN, "image", "exists", name]).exitCode === 0;
}

/** The Debian mirror this machine's apt uses (deb822 `URIs:` or a classic `deb` line), else deb.debian.org. */
export function debianMirror(): string {
  if (process.env.LOUPE_DEBIAN_MIRROR) return process.env.LOUPE_DEBIAN_MIRROR;
  const files = ["/etc/apt/sources.list"];
  if (existsSync("/etc/apt/sources.list.d"))
    files.push(...readdirSync("/etc/apt/sources.list.d").map((f) => join("/etc/apt/sources.list.d", f)));
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, "utf8").split("\n")) {
      const uri = /^\s*(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(\S+)/.exec(line)?.[1];
      if (uri && /\/debian\/?$/.test(uri)) return uri;
    }
  }
  return "http://deb.debian.org/debian";
}

function which(command: string): string {
  const found = spawnSync(["sh", "-c", `command -v ${command}`], { stdout: "pipe" })
    .stdout.toString()
    .trim();
  if (!found) throw new Error(`${command} is needed to make the stand-in images`);
  return realpathSync(found);
}

function importDir(dir: string, name: string, changes: string[]): void {
  const tar = spawnSync(["tar", "--numeric-owner", "-C", dir, "-c", "."], { stdout: "pipe", stderr: "pipe" });
  if (tar.exitCode !== 0) throw new Error(`tar of ${dir} failed: ${tar.stderr.toString()}`);
  sh([...PODMAN, "import", ...changes.flatMap((c) => ["--change", c]), "-", name], { input: tar.stdout });
}

/** Builds whichever stand-in is missing; returns what was built (empty when both were cached). */
export function ensureStandinImages(log: (line: string) => void = () => {}): string[] {
  const missing = [STANDIN_BUILD_IMAGE, STANDIN_RUNTIME_IMAGE].filter((name) => !imageExists(name));
  if (missing.length === 0) return [];
  const started = performance.now();
  const work = mkdtempSync(join(process.env.LOUPE_STANDIN_WORKDIR ?? "/var/tmp", "loupe-standins-"));
  try {
    const root = join(work, "rootfs");
    const mirror = debianMirror();
    log(`debootstrap --variant=minbase bookworm from ${mirror} (one time; the images are cached)`);
    sh(["debootstrap", "--variant=minbase", "--include=ca-certificates,tzdata", "bookworm", root, mirror]);

    // The runtime stand-in, from the packages debootstrap fetched: glibc and the C/C++ runtime only.
    const debs = join(root, "var", "cache", "apt", "archives");
    const runtime = join(work, "runtime");
    mkdirSync(runtime);
    for (const pkg of ["libc6", "libgcc-s1", "libstdc++6", "tzdata"]) {
      const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith(".deb"));
      if (!deb) throw new Error(`debootstrap kept no ${pkg} package`);
      sh(["dpkg-deb", "-x", join(debs, deb), runtime]);
    }
    rmSync(join(runtime, "usr", "share", "doc"), { recursive: true, force: true });
    rmSync(join(runtime, "usr", "share", "man"), { recursive: true, force: true });
    mkdirSync(join(runtime, "etc", "ssl", "certs"), { recursive: true });
    copyFileSync(
      join(root, "etc", "ssl", "certs", "ca-certificates.crt"),
      join(runtime, "etc", "ssl", "certs", "ca-certificates.crt"),
    );
    writeFileSync(
      join(runtime, "etc", "passwd"),
      "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n",
    );
    writeFileSync(join(runtime, "etc", "group"), "root:x:0:\nnonroot:x:65532:\n");
    for (const dir of ["tmp", "home/nonroot", "root"]) mkdirSync(join(runtime, dir), { recursive: true });
    sh(["chmod", "1777", join(runtime, "tmp")]);
    sh(["chmod", "0700", join(runtime, "root")]);
    sh(["chown", "65532:65532", join(runtime, "home", "nonroot")]);
    if (missing.includes(STANDIN_RUNTIME_IMAGE))
      importDir(runtime, STANDIN_RUNTIME_IMAGE, [
        "ENV PATH=/usr/local/bin:/usr/bin:/bin",
        "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
        "USER 65532:65532",
        "WORKDIR /home/nonroot",
        `LABEL ${STANDIN_LABEL}=runtime`,
      ]);

    // The build stand-in: the minbase system plus this machine's Node.js and npm, where node:20 keeps them.
    if (missing.includes(STANDIN_BUILD_IMAGE)) {
      const node = which("node");
      const npmCli = which("npm"); // …/lib/node_modules/npm/bin/npm-cli.js
      const npmDir = dirname(dirname(npmCli));
      mkdirSync(join(root, "usr", "local", "lib", "node_modules"), { recursive: true });
      copyFileSync(node, join(root, "usr", "local", "bin", "node"));
      sh(["chmod", "0755", join(root, "usr", "local", "bin", "node")]);
      cpSync(npmDir, join(root, "usr", "local", "lib", "node_modules", "npm"), { recursive: true });
      symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", join(root, "usr", "local", "bin", "npm"));
      symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", join(root, "usr", "local", "bin", "npx"));
      rmSync(debs, { recursive: true, force: true });
      mkdirSync(debs);
      // What this machine trusts (its egress proxy's CA included), for npm and bun inside the build.
      const hostBundle = "/etc/ssl/certs/ca-certificates.crt";
      if (existsSync(hostBundle)) copyFileSync(hostBundle, join(root, "etc", "ssl", "certs", "ca-certificates.crt"));
      importDir(root, STANDIN_BUILD_IMAGE, [
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt",
        'CMD ["node"]',
        `LABEL ${STANDIN_LABEL}=build`,
      ]);
    }
    log(`stand-in images ${missing.join(", ")} built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    return missing;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  ensureStandinImages((line) => console.log(line));
  console.log(`BUILD_IMAGE=${STANDIN_BUILD_IMAGE}\nRUNTIME_IMAGE=${STANDIN_RUNTIME_IMAGE}`);
}
