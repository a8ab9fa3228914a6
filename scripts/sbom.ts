/**
 * The CycloneDX SBOM that `npm run build` writes beside the binary (`dist/loupe.cdx.json`) and the
 * container carries (`/usr/local/share/loupe/sbom.cdx.json`): SECURITY.md T-SC1.
 *
 * `npm sbom --sbom-format cyclonedx --package-lock-only` lists the dependency tree exactly as
 * package-lock.json pins it (names, versions, SHA-512 integrity, licences), whatever node_modules
 * looks like. Three corrections make it describe what the binary embeds:
 * - only production packages: those the lockfile does not mark `dev` or `devOptional`. (npm's own
 *   `--omit=dev` is not used: npm 11.19 also drops production dependencies that a dev-only package
 *   depends on as well — jose and nodemailer here.)
 * - platform-specific optional packages that npm did not install here (libsql's and argon2's addons
 *   for other systems) are left out, since the binary cannot contain them;
 * - the root is the application `loupe` at its version (npm names it after the directory).
 */

import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "bun";

interface Component {
  "bom-ref": string;
  name: string;
  version: string;
  type: string;
  [key: string]: unknown;
}
export interface CycloneDx {
  bomFormat: "CycloneDX";
  specVersion: string;
  metadata: { component: Component; [key: string]: unknown };
  components: Component[];
  dependencies: { ref: string; dependsOn?: string[] }[];
  [key: string]: unknown;
}
interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

const packageName = (path: string) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);

/**
 * `name@version` (npm's bom-ref) of every package this build embeds: production packages of the
 * lockfile, less platform-specific optional ones that are not installed in `root`.
 */
export function embeddedPackages(lock: { packages: Record<string, LockEntry> }, root: string): Set<string> {
  const embedded = new Set<string>();
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (!path || entry.dev || entry.devOptional) continue;
    if (entry.optional && (entry.os || entry.cpu || entry.libc) && !existsSync(join(root, path))) continue;
    embedded.add(`${packageName(path)}@${entry.version}`);
  }
  return embedded;
}

/** Applies the corrections described above. */
export function refineSbom(
  bom: CycloneDx,
  pkg: { name: string; version: string; description?: string },
  embedded: Set<string>,
): CycloneDx {
  const rootRef = `${pkg.name}@${pkg.version}`;
  return {
    ...bom,
    metadata: {
      ...bom.metadata,
      component: {
        ...bom.metadata.component,
        "bom-ref": rootRef,
        type: "application",
        name: pkg.name,
        version: pkg.version,
      },
    },
    components: bom.components.filter((c) => embedded.has(c["bom-ref"])),
    dependencies: bom.dependencies
      .filter((d) => d.ref === rootRef || embedded.has(d.ref))
      .map((d) => (d.dependsOn ? { ...d, dependsOn: d.dependsOn.filter((ref) => embedded.has(ref)) } : d)),
  };
}

/** Runs npm sbom in `root` and writes the refined SBOM to `outfile`; returns it. */
export async function writeSbom(root: string, outfile: string): Promise<CycloneDx> {
  const npm = spawnSync(["npm", "sbom", "--sbom-format", "cyclonedx", "--package-lock-only"], {
    cwd: root,
    stdout: "pipe",
    stderr: "pipe",
  });
  if (npm.exitCode !== 0)
    throw new Error(
      `npm sbom failed (exit ${npm.exitCode}; npm 9.5 or later is needed): ${npm.stderr.toString().trim()}`,
    );
  const pkg = await Bun.file(join(root, "package.json")).json();
  const lock = await Bun.file(join(root, "package-lock.json")).json();
  const bom = refineSbom(JSON.parse(npm.stdout.toString()) as CycloneDx, pkg, embeddedPackages(lock, root));
  writeFileSync(outfile, JSON.stringify(bom, null, 2) + "\n");
  return bom;
}
