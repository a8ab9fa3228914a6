import { X509Certificate } from "node:crypto";
import { join } from "node:path";

export type TestCertificate = { certFile: string; keyFile: string; cert: string; key: string; digest: string };

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the openssl command (Debian's
 * openssl is on every machine that runs the suite). `kind` picks the key: P-256 or RSA-2048.
 */
export async function makeCertificate(
  dir: string,
  name: string,
  options: { kind?: "ec" | "rsa"; cn?: string } = {},
): Promise<TestCertificate> {
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  const key =
    options.kind === "rsa" ? ["-newkey", "rsa:2048"] : ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"];
  const proc = Bun.spawn(
    [
      "openssl",
      "req",
      "-x509",
      ...key,
      "-sha256",
      "-nodes",
      "-days",
      "2",
      "-subj",
      `/CN=${options.cn ?? "localhost"}`,
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      keyFile,
      "-out",
      certFile,
    ],
    { stdout: "pipe", stderr: "pipe" },
  );
  const [code, stderr] = await Promise.all([proc.exited, new Response(proc.stderr).text()]);
  if (code !== 0) throw new Error(`openssl req failed: ${stderr}`);
  const cert = await Bun.file(certFile).text();
  const digest = new X509Certificate(cert).fingerprint256.replaceAll(":", "").toLowerCase();
  return { certFile, keyFile, cert, key: await Bun.file(keyFile).text(), digest };
}

/** What `openssl s_client` negotiated with a server: the protocol and cipher, or null when refused. */
export async function tlsHandshake(
  port: number,
  args: string[],
): Promise<{ protocol: string | null; cipher: string | null; digest: string | null; output: string }> {
  const proc = Bun.spawn(
    ["openssl", "s_client", "-connect", `127.0.0.1:${port}`, "-servername", "localhost", ...args],
    {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  proc.stdin.end();
  const [stdout, stderr] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const output = stdout + stderr;
  const negotiated = /New, (TLSv[\d.]+), Cipher is (\S+)/.exec(output);
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(stdout);
  return {
    protocol: negotiated?.[1] ?? null,
    cipher: negotiated?.[2] ?? null,
    digest: pem ? new X509Certificate(pem[0]).fingerprint256.replaceAll(":", "").toLowerCase() : null,
    output,
  };
}
