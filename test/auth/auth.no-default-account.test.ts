// T-AU13 — A fresh install has no account. It writes a one-time setup URL (1 hour) to a 0600 file
// in LOUPE_KEY_DIR and logs only where it is; the URL creates the first instance admin once, then
// the setup route is gone (404). `loupe admin create` does the same from the CLI, server running.
import { afterAll, expect, test } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { spawn } from "bun";
import { CLI, childEnv, ROOT, startServerProcess } from "../support/subprocess.ts";
import { newMasterKeyText, tempDir } from "../support/temp.ts";

const dir = tempDir();
afterAll(() => dir.remove());

const headers = (origin: string) => ({
  "Content-Type": "application/json",
  Origin: origin,
  "X-Requested-With": "test",
});

test("fresh install → setup link file → first admin → setup gone; CLI admin create while running", async () => {
  // The public URL a reverse proxy would serve; requests go to the port the server chose.
  const env = {
    LOUPE_DATA_DIR: join(dir.path, "data"),
    LOUPE_KEY_DIR: join(dir.path, "keys"),
    LOUPE_MASTER_KEY: newMasterKeyText(),
    LOUPE_PUBLIC_URL: "http://loupe.test",
  };
  const origin = env.LOUPE_PUBLIC_URL;
  const server = await startServerProcess(CLI, env);
  try {
    const file = join(env.LOUPE_KEY_DIR, "setup-url.txt");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const url = readFileSync(file, "utf8").trim();
    expect(url).toMatch(new RegExp(`^${origin}/setup#token=[A-Za-z0-9_-]{43}$`));
    const token = url.split("#token=")[1]!;
    // The log says where the link is, never the token (and stderr is not a terminal here).
    expect(server.stdout()).toContain("setup-url.txt");
    expect(server.stdout()).not.toContain(token);
    expect(server.stderr()).not.toContain(token);

    expect((await fetch(`${server.url}/api/v1/setup`)).status).toBe(200);
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: headers(origin),
      body: JSON.stringify({ email: "admin@example.test", password: "no-account-exists-yet" }),
    });
    expect(login.status).toBe(401);

    const wrong = await fetch(`${server.url}/api/v1/setup`, {
      method: "POST",
      headers: headers(origin),
      body: JSON.stringify({
        token: "A".repeat(43),
        email: "admin@example.test",
        displayName: "Admin",
        password: "first-admin-passphrase",
      }),
    });
    expect(wrong.status).toBe(400);
    const created = await fetch(`${server.url}/api/v1/setup`, {
      method: "POST",
      headers: headers(origin),
      body: JSON.stringify({
        token,
        email: "admin@example.test",
        displayName: "Admin",
        password: "first-admin-passphrase",
      }),
    });
    expect(created.status).toBe(201);
    expect((await created.json()).mfaEnrolmentRequired).toBe(true);
    // Gone: both the status and the creation route, and the file.
    expect((await fetch(`${server.url}/api/v1/setup`)).status).toBe(404);
    const again = await fetch(`${server.url}/api/v1/setup`, {
      method: "POST",
      headers: headers(origin),
      body: JSON.stringify({
        token,
        email: "second@example.test",
        displayName: "Second",
        password: "second-admin-passphrase",
      }),
    });
    expect(again.status).toBe(404);
    expect(() => statSync(file)).toThrow();

    // The CLI creates an admin while the server runs; the password comes from stdin.
    const proc = spawn([...CLI, "admin", "create", "--email", "ops@example.test", "--name", "Ops"], {
      cwd: ROOT,
      env: childEnv(env),
      stdin: new Blob(["cli-made-admin-passphrase\n"]),
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await proc.exited).toBe(0);
    expect(await new Response(proc.stdout).text()).toContain("Created instance admin");
    const cliLogin = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: headers(origin),
      body: JSON.stringify({ email: "ops@example.test", password: "cli-made-admin-passphrase" }),
    });
    expect(cliLogin.status).toBe(200);
    expect((await cliLogin.json()).mfaEnrolmentRequired).toBe(true);

    // A weak password is refused by the CLI with the reason.
    const weak = spawn([...CLI, "admin", "create", "--email", "weak@example.test"], {
      cwd: ROOT,
      env: childEnv(env),
      stdin: new Blob(["password1234"]),
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(await weak.exited).toBe(2);
    expect(await new Response(weak.stderr).text()).toContain("commonly used");
  } finally {
    server.proc.kill("SIGTERM");
    await server.exited;
  }
});

test("a refused password does not use up the setup link", async () => {
  const { createTestApp } = await import("../support/test-app.ts");
  const { prepareSetup } = await import("../../src/services/accounts/setup.ts");
  const t = createTestApp();
  try {
    const setup = prepareSetup(t.ctx, t.config.keyDir)!;
    const token = setup.url.split("#token=")[1]!;
    const post = (password: string) =>
      t.app.request(`${t.config.publicOrigin}/api/v1/setup`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: t.config.publicOrigin, "X-Requested-With": "t" },
        body: JSON.stringify({ token, email: "first@example.test", displayName: "First", password }),
      });
    const weak = await post("password1234");
    expect(weak.status).toBe(400);
    expect((await weak.json()).code).toBe("PASSWORD_POLICY");
    expect((await post("a much better first passphrase")).status).toBe(201);
  } finally {
    t.close();
  }
});
