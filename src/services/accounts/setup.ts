import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../../lib/app-error.ts";
import { randomId, sha256Hex } from "../../lib/crypto.ts";
import { writeFileAtomic } from "../../lib/fs-atomic.ts";
import { normalizeEmail } from "../../shared/email.ts";
import { expireOneTimeTokens, findOneTimeToken, insertOneTimeToken, useOneTimeToken } from "../../store/tokens.ts";
import { countUsers } from "../../store/users.ts";
import type { ServiceContext } from "../context.ts";
import { notFound } from "../errors.ts";
import { type Account, assertPasswordAcceptable, createUser, toAccount } from "./users.ts";

/**
 * No default account: a fresh install gets a one-time setup URL (token valid 1 hour) in a 0600 file
 * in LOUPE_KEY_DIR. It creates the first instance admin; then the setup route is gone.
 */
export const SETUP_TTL_MS = 3600_000;
export const SETUP_FILE = "setup-url.txt";

export function isSetupNeeded(ctx: Pick<ServiceContext, "db">): boolean {
  return countUsers(ctx.db) === 0;
}

/** Writes a fresh setup URL when no user exists; returns the file's path and the URL (for a terminal), or undefined. */
export function prepareSetup(ctx: ServiceContext, keyDir: string): { file: string; url: string } | undefined {
  const file = join(keyDir, SETUP_FILE);
  if (!isSetupNeeded(ctx)) {
    if (existsSync(file)) rmSync(file, { force: true });
    return undefined;
  }
  const token = randomId(32);
  const now = ctx.clock.now();
  ctx.db.write(() => {
    expireOneTimeTokens(ctx.db, "setup", null, now);
    insertOneTimeToken(ctx.db, {
      id: randomId(),
      purpose: "setup",
      hash: sha256Hex(token),
      userId: null,
      createdBy: null,
      now,
      expiresAt: now + SETUP_TTL_MS,
    });
  });
  const url = `${ctx.publicOrigin}/setup#token=${token}`;
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(file, `${url}\n`, 0o600);
  return { file, url };
}

/** Creates the first instance admin with the setup token; afterwards the route answers 404. */
export async function completeSetup(
  ctx: ServiceContext,
  input: { token: string; email: string; displayName: string; password: string; keyDir: string },
): Promise<Account> {
  const { keyDir } = input;
  const gone = () => notFound();
  if (!isSetupNeeded(ctx)) throw gone();
  const row = input.token.length <= 128 ? findOneTimeToken(ctx.db, "setup", sha256Hex(input.token)) : undefined;
  const now = ctx.clock.now();
  if (!row || row.used_at !== null || row.expires_at <= now) {
    throw new AppError("TOKEN_INVALID", "This setup link is invalid or expired; restart Loupe for a new one.", {
      fields: [{ field: "token", message: "Invalid or expired." }],
    });
  }
  // A refused password must not use up the link: check it before the token is spent.
  const email = normalizeEmail(input.email);
  assertPasswordAcceptable(input.password, [email, email.split("@")[0] ?? "", input.displayName]);
  if (!ctx.db.write(() => useOneTimeToken(ctx.db, row.id, now))) throw gone();
  const user = await createUser(ctx, {
    email: input.email,
    displayName: input.displayName,
    password: input.password,
    isInstanceAdmin: true,
  });
  rmSync(join(keyDir, SETUP_FILE), { force: true });
  return toAccount(user);
}
