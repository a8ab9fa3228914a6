// Invariant: every invalid LOUPE_* variable is named in one error, with what it expects and never
// the value given (it may be a secret).
import { expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../src/config.ts";
import { newMasterKeyText } from "./support/temp.ts";

function problemsOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, "/srv/loupe");
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

test("defaults: ./data, ./.loupe-keys, 127.0.0.1:8080, http://localhost:8080, generated key file", () => {
  const config = loadConfig({}, "/srv/loupe");
  expect(config.dataDir).toBe("/srv/loupe/data");
  expect(config.keyDir).toBe("/srv/loupe/.loupe-keys");
  expect(config.host).toBe("127.0.0.1");
  expect(config.port).toBe(8080);
  expect(config.publicOrigin).toBe("http://localhost:8080");
  expect(config.secureCookies).toBe(false);
  expect(config.masterKey).toEqual({ kind: "default", path: "/srv/loupe/.loupe-keys/master.key" });
  expect(Object.isFrozen(config)).toBe(true);
});

test("every bad variable is reported at once, by name, without its value", () => {
  const secretish = "my secret passphrase SECRET123";
  const error = problemsOf({
    LOUPE_PORT: "80800",
    LOUPE_PUBLIC_URL: "ftp://example.test/path",
    LOUPE_LOG_LEVEL: "chatty",
    LOUPE_MASTER_KEY: secretish,
    LOUPE_BUSY_TIMEOUT_MS: "12",
    LOUPE_SHUTDOWN_TIMEOUT_MS: "soon",
    LOUPE_HOST: "bad host!",
    LOUPE_PORTT: "1",
  });
  expect(error).toBeInstanceOf(ConfigError);
  const named = error.problems.map((p) => p.variable).sort();
  expect(named).toEqual(
    [
      "LOUPE_BUSY_TIMEOUT_MS",
      "LOUPE_HOST",
      "LOUPE_LOG_LEVEL",
      "LOUPE_MASTER_KEY",
      "LOUPE_PORT",
      "LOUPE_PORTT",
      "LOUPE_PUBLIC_URL",
      "LOUPE_SHUTDOWN_TIMEOUT_MS",
    ].sort(),
  );
  for (const variable of named) expect(error.message).toContain(variable);
  expect(error.message).not.toContain(secretish);
  expect(error.message).not.toContain("80800");
  expect(error.message).not.toContain("chatty");
  expect(error.problems.find((p) => p.variable === "LOUPE_PORT")?.expects).toContain("0 to 65535");
});

test("keys never beside the data: key dir inside the data dir, or key file inside it, refused", () => {
  expect(problemsOf({ LOUPE_DATA_DIR: "/d", LOUPE_KEY_DIR: "/d/keys" }).problems[0]?.variable).toBe("LOUPE_KEY_DIR");
  expect(problemsOf({ LOUPE_DATA_DIR: "/d", LOUPE_KEY_DIR: "/d" }).problems[0]?.variable).toBe("LOUPE_KEY_DIR");
  expect(problemsOf({ LOUPE_DATA_DIR: "/d", LOUPE_MASTER_KEY_FILE: "/d/master.key" }).problems[0]?.variable).toBe(
    "LOUPE_MASTER_KEY_FILE",
  );
});

test("a master key in the env and a key file are exclusive; a valid env key is decoded", () => {
  const key = newMasterKeyText();
  expect(problemsOf({ LOUPE_MASTER_KEY: key, LOUPE_MASTER_KEY_FILE: "/k/master.key" }).problems[0]?.variable).toBe(
    "LOUPE_MASTER_KEY_FILE",
  );
  const config = loadConfig({ LOUPE_MASTER_KEY: key }, "/srv");
  expect(config.masterKey.kind).toBe("env");
  expect(config.masterKey.kind === "env" && config.masterKey.key.toString("base64")).toBe(key);
  // A 16-byte key is too short.
  expect(problemsOf({ LOUPE_MASTER_KEY: Buffer.alloc(16, 1).toString("base64") }).problems[0]?.variable).toBe(
    "LOUPE_MASTER_KEY",
  );
});

test("an https public URL turns on secure cookies; paths and credentials are refused", () => {
  expect(loadConfig({ LOUPE_PUBLIC_URL: "https://feedback.example.eu" }).secureCookies).toBe(true);
  expect(loadConfig({ LOUPE_PUBLIC_URL: "https://feedback.example.eu/" }).publicOrigin).toBe(
    "https://feedback.example.eu",
  );
  expect(problemsOf({ LOUPE_PUBLIC_URL: "https://user:pw@example.eu" }).problems[0]?.variable).toBe("LOUPE_PUBLIC_URL");
  expect(problemsOf({ LOUPE_PUBLIC_URL: "https://example.eu/loupe" }).problems[0]?.variable).toBe("LOUPE_PUBLIC_URL");
});

test("unset, the public URL follows the port", () => {
  expect(loadConfig({ LOUPE_PORT: "9090" }, "/srv").publicOrigin).toBe("http://localhost:9090");
  expect(loadConfig({ LOUPE_PORT: "9090", LOUPE_PUBLIC_URL: "https://fb.example.eu" }, "/srv").publicOrigin).toBe(
    "https://fb.example.eu",
  );
});

test("variables that are not Loupe's are ignored", () => {
  expect(() => loadConfig({ PATH: "/bin", HOME: "/root", NODE_ENV: "production" })).not.toThrow();
});

// Transport (issue 11)
test("HSTS follows an https public URL (direct TLS or a proxy); TLS without a public URL defaults to https", () => {
  expect(loadConfig({}, "/srv").hsts).toBe(false);
  expect(loadConfig({ LOUPE_PUBLIC_URL: "https://fb.example.eu" }, "/srv").hsts).toBe(true);
  const tls = loadConfig(
    { LOUPE_TLS_CERT: import.meta.path, LOUPE_TLS_KEY: import.meta.path, LOUPE_PORT: "8443" },
    "/srv",
  );
  expect(tls.tls).toEqual({ certFile: import.meta.path, keyFile: import.meta.path });
  expect(tls.publicOrigin).toBe("https://localhost:8443");
  expect(tls.hsts).toBe(true);
  expect(loadConfig({}, "/srv").idleTimeoutSeconds).toBe(30);
});

test("TLS files both or neither and readable; the redirect port needs https and its own port; idle timeout 1..255", () => {
  const variables = (env: Record<string, string>) => problemsOf(env).problems.map((p) => p.variable);
  expect(variables({ LOUPE_TLS_KEY: import.meta.path })).toEqual(["LOUPE_TLS_CERT"]);
  expect(variables({ LOUPE_TLS_CERT: "/no/such/file.crt", LOUPE_TLS_KEY: import.meta.path })).toEqual([
    "LOUPE_TLS_CERT",
  ]);
  expect(variables({ LOUPE_HTTP_REDIRECT_PORT: "80" })).toEqual(["LOUPE_HTTP_REDIRECT_PORT"]);
  expect(
    variables({ LOUPE_HTTP_REDIRECT_PORT: "8080", LOUPE_PORT: "8080", LOUPE_PUBLIC_URL: "https://fb.example.eu" }),
  ).toEqual(["LOUPE_HTTP_REDIRECT_PORT"]);
  expect(
    loadConfig({ LOUPE_HTTP_REDIRECT_PORT: "80", LOUPE_PUBLIC_URL: "https://fb.example.eu" }).httpRedirectPort,
  ).toBe(80);
  expect(variables({ LOUPE_IDLE_TIMEOUT_SECONDS: "0" })).toEqual(["LOUPE_IDLE_TIMEOUT_SECONDS"]);
  expect(variables({ LOUPE_IDLE_TIMEOUT_SECONDS: "256" })).toEqual(["LOUPE_IDLE_TIMEOUT_SECONDS"]);
});
