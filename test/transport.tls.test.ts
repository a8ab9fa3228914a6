// Invariant: with LOUPE_TLS_CERT / LOUPE_TLS_KEY the server speaks only TLS 1.2+ with AEAD suites, sends
// HSTS on every response, swaps its certificate on SIGHUP without failing a request in flight (a bad
// new pair keeps the old one serving), and its plain-HTTP port only redirects navigations, never the API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { HSTS_HEADER_VALUE } from "../src/http/hsts.ts";
import { makeCertificate, type TestCertificate, tlsHandshake } from "./support/certificates.ts";
import { CLI, type RunningServer, runCli, startServerProcess } from "./support/subprocess.ts";
import { newMasterKeyText, tempDir } from "./support/temp.ts";

const PUBLIC = "https://feedback.example.test";
const dir = tempDir();
let first: TestCertificate;
let second: TestCertificate;
let server: RunningServer;
let redirectPort: number;
const served = { certFile: join(dir.path, "served.crt"), keyFile: join(dir.path, "served.key") };
const insecure = { tls: { rejectUnauthorized: false } };

function serve(cert: TestCertificate): void {
  copyFileSync(cert.certFile, served.certFile);
  copyFileSync(cert.keyFile, served.keyFile);
}

/** The SHA-256 of the certificate a new connection is given. */
function servedDigest(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, servername: "localhost", rejectUnauthorized: false }, () => {
      const digest = socket.getPeerCertificate().fingerprint256.replaceAll(":", "").toLowerCase();
      socket.end();
      resolve(digest);
    });
    socket.on("error", reject);
  });
}

beforeAll(async () => {
  first = await makeCertificate(dir.path, "first");
  second = await makeCertificate(dir.path, "second", { kind: "rsa" });
  serve(first);
  server = await startServerProcess(CLI, {
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    LOUPE_PUBLIC_URL: PUBLIC,
    LOUPE_TLS_CERT: served.certFile,
    LOUPE_TLS_KEY: served.keyFile,
    LOUPE_HTTP_REDIRECT_PORT: "0",
  });
  redirectPort = Number(/Plain HTTP on http:\/\/\S+?:(\d+) only redirects/.exec(server.stderr())?.[1]);
});

afterAll(async () => {
  server.proc.kill("SIGTERM");
  await server.exited;
  dir.remove();
});

describe("protocols and suites", () => {
  test("TLS 1.0 and 1.1 are refused even by a client that allows them", async () => {
    for (const version of ["-tls1", "-tls1_1"]) {
      const result = await tlsHandshake(server.port, [version, "-cipher", "DEFAULT@SECLEVEL=0"]);
      expect(result.protocol).toBeNull();
      expect(result.output).toContain("alert protocol version");
    }
  });

  test("CBC and static-RSA suites are refused on TLS 1.2; ECDHE with AES-GCM or ChaCha20 is accepted", async () => {
    for (const cipher of ["AES128-SHA", "AES256-GCM-SHA384", "ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384"]) {
      const result = await tlsHandshake(server.port, ["-tls1_2", "-cipher", cipher]);
      expect({ cipher, negotiated: result.cipher }).toEqual({ cipher, negotiated: null });
    }
    for (const cipher of ["ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305"]) {
      const result = await tlsHandshake(server.port, ["-tls1_2", "-cipher", cipher]);
      expect(result).toMatchObject({ protocol: "TLSv1.2", cipher });
    }
    expect((await tlsHandshake(server.port, ["-tls1_3"])).protocol).toBe("TLSv1.3");
  });

  test("a client offering only TLS 1.2 CBC suites gets no connection at all", async () => {
    const result = await tlsHandshake(server.port, ["-tls1_2", "-cipher", "ECDHE+AES+SHA1:ECDHE+AES+SHA256:AES+SHA1"]);
    expect(result.protocol).toBeNull();
  });
});

describe("HSTS", () => {
  test("on every HTTPS response: health, 404, API error, admin page", async () => {
    for (const path of ["/healthz", "/no-such-page", "/api/v1/me", "/api/v1/no-such-route"]) {
      const res = await fetch(`${server.url}${path}`, insecure);
      expect({ path, hsts: res.headers.get("Strict-Transport-Security") }).toEqual({ path, hsts: HSTS_HEADER_VALUE });
      await res.arrayBuffer();
    }
  });

  test("HSTS is at least one year", () => {
    expect(Number(/max-age=(\d+)/.exec(HSTS_HEADER_VALUE)?.[1])).toBeGreaterThanOrEqual(31_536_000);
  });
});

describe("the plain-HTTP redirect port", () => {
  test("a navigation is redirected (308) to the same path on the configured https origin, whatever Host says", async () => {
    const res = await fetch(`http://127.0.0.1:${redirectPort}/teams/t1/inbox?view=open`, {
      redirect: "manual",
      headers: { Host: "evil.example" },
    });
    expect(res.status).toBe(308);
    expect(res.headers.get("Location")).toBe(`${PUBLIC}/teams/t1/inbox?view=open`);
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    // Browsers ignore HSTS over plain HTTP; it is not sent there.
    expect(res.headers.get("Strict-Transport-Security")).toBeNull();
  });

  test("API requests over plain HTTP are refused with a problem, not redirected", async () => {
    for (const [method, path] of [
      ["POST", "/api/v1/auth/login"],
      ["GET", "/api/v1/me"],
      ["GET", "/api"],
    ] as const) {
      const res = await fetch(`http://127.0.0.1:${redirectPort}${path}`, {
        method,
        redirect: "manual",
        ...(method === "POST" ? { body: JSON.stringify({ email: "a@b.test", password: "x" }) } : {}),
      });
      expect({ path, status: res.status, location: res.headers.get("Location") }).toEqual({
        path,
        status: 400,
        location: null,
      });
      expect(res.headers.get("Content-Type")).toStartWith("application/problem+json");
      expect(((await res.json()) as { code: string }).code).toBe("HTTPS_REQUIRED");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    }
  });
});

describe("certificate reload on SIGHUP", () => {
  test("the new certificate is served, and a request in flight on the old listener completes", async () => {
    expect(await servedDigest(server.port)).toBe(first.digest);

    // A sign-in whose body has only half arrived: its handler is waiting for the rest.
    const body = JSON.stringify({ email: "nobody@example.test", password: "not the password at all" });
    const inFlight = tlsConnect({
      host: "127.0.0.1",
      port: server.port,
      servername: "localhost",
      rejectUnauthorized: false,
    });
    let answer = "";
    const answered = new Promise<string>((resolve, reject) => {
      inFlight.on("data", (chunk) => {
        answer += chunk.toString();
        if (/\r\n\r\n[\s\S]*\}/.test(answer)) resolve(answer);
      });
      inFlight.on("error", reject);
      inFlight.on("close", () => resolve(answer));
    });
    await new Promise<void>((resolve) => inFlight.once("secureConnect", () => resolve()));
    inFlight.write(
      [
        "POST /api/v1/auth/login HTTP/1.1",
        "Host: feedback.example.test",
        `Origin: ${PUBLIC}`,
        "X-Requested-With: test",
        "Content-Type: application/json",
        `Content-Length: ${Buffer.byteLength(body)}`,
        "",
        body.slice(0, 20),
      ].join("\r\n"),
    );

    serve(second);
    server.proc.kill("SIGHUP");
    await server.waitForStdout('"tls.reloaded"');
    expect(await servedDigest(server.port)).toBe(second.digest);
    const health = await fetch(`${server.url}/healthz`, insecure);
    expect(health.status).toBe(200);

    inFlight.write(body.slice(20));
    const response = await answered;
    inFlight.end();
    // Unknown account: the sign-in ran to its end on the old connection and answered.
    expect(response).toStartWith("HTTP/1.1 401");
    expect(response).toContain('"code":"INVALID_CREDENTIALS"');
  });

  test("a bad new pair (a key of another certificate, then garbage) keeps the current one serving and logs no key", async () => {
    const current = await servedDigest(server.port);
    copyFileSync(first.certFile, served.certFile); // the key on disk is still the second one's
    server.proc.kill("SIGHUP");
    await server.waitForStdout("does not belong to the certificate");
    expect(await servedDigest(server.port)).toBe(current);

    serve(second);
    writeFileSync(served.keyFile, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5IGF0IGFsbA==\n-----END PRIVATE KEY-----\n");
    server.proc.kill("SIGHUP");
    await server.waitForStdout("is not an unencrypted PEM private key");
    expect(await servedDigest(server.port)).toBe(current);
    expect((await fetch(`${server.url}/healthz`, insecure)).status).toBe(200);

    const logs = server.stdout() + server.stderr();
    for (const secret of [first.key, second.key].flatMap((k) => k.split("\n").filter((line) => line.length > 40)))
      expect(logs).not.toContain(secret);
    expect(logs).not.toContain("bm90IGEga2V5IGF0IGFsbA");
  });
});

describe("configuration", () => {
  const base = () => ({
    LOUPE_DATA_DIR: join(dir.path, "cfg", "data"),
    LOUPE_KEY_DIR: join(dir.path, "cfg", "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
  });

  test("a certificate without a key, an unreadable file, an http public URL: one clear error each, exit 2", async () => {
    const onlyCert = await runCli(["config", "check"], { ...base(), LOUPE_TLS_CERT: first.certFile });
    expect(onlyCert.code).toBe(2);
    expect(onlyCert.stderr).toContain("LOUPE_TLS_KEY must be");
    expect(onlyCert.stderr).toContain("(required with LOUPE_TLS_CERT)");

    const missing = await runCli(["config", "check"], {
      ...base(),
      LOUPE_TLS_CERT: first.certFile,
      LOUPE_TLS_KEY: join(dir.path, "absent.key"),
    });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`LOUPE_TLS_KEY must be`);
    expect(missing.stderr).toContain(`absent.key cannot be read`);

    const plain = await runCli(["config", "check"], {
      ...base(),
      LOUPE_TLS_CERT: first.certFile,
      LOUPE_TLS_KEY: first.keyFile,
      LOUPE_PUBLIC_URL: "http://feedback.example.test",
    });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("(https:// when LOUPE_TLS_CERT is set)");

    const redirectWithoutHttps = await runCli(["config", "check"], { ...base(), LOUPE_HTTP_REDIRECT_PORT: "8081" });
    expect(redirectWithoutHttps.code).toBe(2);
    expect(redirectWithoutHttps.stderr).toContain("LOUPE_HTTP_REDIRECT_PORT must be");
  }, 30_000);

  test("a key that does not match the certificate stops the start with one line naming both files, no key bytes", async () => {
    const res = await runCli(["serve"], {
      ...base(),
      LOUPE_PORT: "0",
      LOUPE_TLS_CERT: first.certFile,
      LOUPE_TLS_KEY: second.keyFile,
    });
    expect(res.code).toBe(2);
    const lines = res.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("does not belong to the certificate");
    expect(res.stderr + res.stdout).not.toContain(second.key.split("\n")[1] as string);
  });

  test("`loupe config check` checks the pair as a start would and prints the certificate's digest", async () => {
    const good = await runCli(["config", "check"], {
      ...base(),
      LOUPE_TLS_CERT: first.certFile,
      LOUPE_TLS_KEY: first.keyFile,
    });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain(`certificate     sha256 ${first.digest}`);
    expect(good.stdout).toContain("HSTS on");
    const bad = await runCli(["config", "check"], {
      ...base(),
      LOUPE_TLS_CERT: first.certFile,
      LOUPE_TLS_KEY: second.keyFile,
    });
    expect(bad.code).toBe(2);
    expect(bad.stdout).not.toContain("configuration ok");
    expect(bad.stderr).toContain("does not belong to the certificate");
  });

  test("`loupe healthcheck` checks the HTTPS port", async () => {
    const env = {
      LOUPE_HOST: "127.0.0.1",
      LOUPE_PORT: String(server.port),
      LOUPE_MASTER_KEY: newMasterKeyText(),
      LOUPE_TLS_CERT: served.certFile,
      LOUPE_TLS_KEY: served.keyFile,
    };
    expect((await runCli(["healthcheck"], env)).code).toBe(0);
  });
});
