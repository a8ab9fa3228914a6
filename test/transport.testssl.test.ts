// Invariant: Loupe's built-in HTTPS passes Debian's testssl.sh (protocols, cipher categories, forward
// secrecy, known vulnerabilities): no SSLv2/SSLv3/TLS 1.0/TLS 1.1, no NULL/EXPORT/LOW/3DES/RC4/CBC-only
// categories, and no finding of severity MEDIUM or above except the test certificate's chain of trust.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { makeCertificate } from "./support/certificates.ts";
import { CLI, startServerProcess } from "./support/subprocess.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";

type Finding = { id: string; severity: string; finding: string };

const TESTSSL = Bun.which("testssl");
const dir = tempDir();
afterAll(() => dir.remove());

/**
 * Findings allowed at MEDIUM or above, by exact id: only what a self-signed test certificate causes.
 * (This run does not ask for the certificate checks, -S, so normally none of them appears.)
 */
const ALLOWED = new Set(["cert_chain_of_trust", "cert_trust"]);
const SEVERE = new Set(["MEDIUM", "HIGH", "CRITICAL"]);
/** Ids whose finding must be "not offered": old protocols and weak cipher categories. */
const NOT_OFFERED = [
  "SSLv2",
  "SSLv3",
  "TLS1",
  "TLS1_1",
  "cipherlist_NULL",
  "cipherlist_aNULL",
  "cipherlist_EXPORT",
  "cipherlist_LOW",
  "cipherlist_3DES_IDEA",
  "cipherlist_AVERAGE",
];

if (!TESTSSL && !process.env.CI) {
  const bar = "!".repeat(78);
  console.error(
    `\n${bar}\n!! SKIPPED test/transport.testssl.test.ts: no testssl command (apt-get install testssl.sh)\n${bar}\n`,
  );
}

test.skipIf(!TESTSSL && !process.env.CI)(
  "testssl -p -s -f -U against the real server: TLS 1.2/1.3 only, strong AEAD suites, nothing MEDIUM or above",
  async () => {
    if (!TESTSSL) throw new Error("testssl is not installed, and CI must run it (.ci/run installs testssl.sh)");
    const cert = await makeCertificate(dir.path, "testssl", { kind: "rsa" });
    const server = await startServerProcess(CLI, {
      LOUPE_DATA_DIR: join(dir.path, "data"),
      LOUPE_KEY_DIR: join(dir.path, "keys"),
      LOUPE_MASTER_KEY: newMasterKeyText(),
      LOUPE_TLS_CERT: cert.certFile,
      LOUPE_TLS_KEY: cert.keyFile,
    });
    const jsonFile = join(dir.path, "testssl.json");
    try {
      const proc = Bun.spawn(
        [
          TESTSSL,
          ...["-p", "-s", "-f", "-U"],
          ...["--nodns", "none", "--warnings", "batch", "--color", "0", "--jsonfile", jsonFile],
          `https://127.0.0.1:${server.port}`,
        ],
        { stdout: "pipe", stderr: "pipe" },
      );
      const [stdout, stderr, code] = await Promise.all([
        new Response(proc.stdout).text(),
        new Response(proc.stderr).text(),
        proc.exited,
      ]);
      expect({
        code,
        jsonWritten: existsSync(jsonFile),
        tail: code === 0 ? "" : (stdout + stderr).slice(-2000),
      }).toEqual({
        code: 0,
        jsonWritten: true,
        tail: "",
      });
    } finally {
      server.proc.kill("SIGTERM");
      await server.exited;
    }

    const findings = JSON.parse(readFileSync(jsonFile, "utf8")) as Finding[];
    const byId = new Map(findings.map((f) => [f.id, f]));
    const severities = [...new Set(findings.map((f) => f.severity))].sort();
    console.log(`testssl: ${findings.length} findings, severities ${severities.join(", ")}`);

    for (const id of NOT_OFFERED)
      expect({ id, finding: byId.get(id)?.finding }).toEqual({ id, finding: "not offered" });
    expect(byId.get("TLS1_2")?.finding).toBe("offered");
    expect(byId.get("TLS1_3")?.finding).toStartWith("offered");
    expect(byId.get("cipherlist_STRONG")?.finding).toBe("offered");
    expect(byId.get("PFS")?.finding).toBe("offered");
    // Every suite offered is forward-secret AEAD: TLS 1.3's, or ECDHE with AES-GCM or ChaCha20-Poly1305.
    const suites = (byId.get("PFS_ciphers")?.finding ?? "").split(/\s+/).filter(Boolean);
    expect(suites.length).toBeGreaterThan(0);
    for (const suite of suites)
      expect(suite).toMatch(
        /^(TLS_(AES_(128|256)_GCM|CHACHA20_POLY1305)_SHA\d+|ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA\d+|CHACHA20-POLY1305))$/,
      );

    const severe = findings.filter((f) => SEVERE.has(f.severity) && !ALLOWED.has(f.id));
    expect(severe.map((f) => `${f.id} ${f.severity}: ${f.finding}`)).toEqual([]);
    // Nothing the scan could not do (a FATAL finding means a check did not run).
    expect(findings.filter((f) => f.severity === "FATAL")).toEqual([]);
  },
  { timeout: 300_000 },
);
