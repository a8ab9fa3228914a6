import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { AppError } from "./app-error.ts";

/**
 * TLS 1.2 suites Loupe offers: forward-secret ECDHE with AEAD only (AES-GCM, ChaCha20-Poly1305), for
 * ECDSA and RSA certificates. Bun's default list also has CBC suites (ECDHE-*-AES*-SHA), hence the list.
 * TLS 1.3 suites are all AEAD and not affected by it; TLS 1.0/1.1 are never offered: Bun's socket layer
 * sets TLS 1.2 as the minimum itself (bun-usockets `create_ssl_context_from_bun_options`), and Bun.serve
 * has no option to lower it (test/transport.tls.test.ts checks both against the running server).
 */
export const TLS_CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

export type TlsMaterial = {
  cert: string;
  key: string;
  /** SHA-256 of the leaf certificate, lowercase hex without colons (public; safe to log). */
  digest: string;
  /** The leaf certificate's expiry (public). */
  validTo: string;
};

/**
 * Reads and checks a certificate chain and its private key: both parse, and the key belongs to the
 * first certificate. Errors name the variable and the reason, never a byte of the key.
 */
export function loadTlsMaterial(files: { certFile: string; keyFile: string }): TlsMaterial {
  const fail = (message: string, cause?: unknown) => new AppError("TLS_INVALID", message, { cause });
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(files.certFile, "utf8");
  } catch (error) {
    throw fail(`LOUPE_TLS_CERT (${files.certFile}) cannot be read.`, error);
  }
  try {
    key = readFileSync(files.keyFile, "utf8");
  } catch (error) {
    throw fail(`LOUPE_TLS_KEY (${files.keyFile}) cannot be read.`, error);
  }
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(cert);
  } catch {
    throw fail(`LOUPE_TLS_CERT (${files.certFile}) is not a PEM certificate.`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    // The parser's message could quote the input: it is not passed on.
    throw fail(`LOUPE_TLS_KEY (${files.keyFile}) is not an unencrypted PEM private key.`);
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw fail(
      `LOUPE_TLS_KEY (${files.keyFile}) does not belong to the certificate in LOUPE_TLS_CERT (${files.certFile}).`,
    );
  }
  return { cert, key, digest: leaf.fingerprint256.replaceAll(":", "").toLowerCase(), validTo: leaf.validTo };
}
