import { hash, verify } from "@node-rs/argon2";
import { dictionary } from "@zxcvbn-ts/language-common";

/**
 * argon2id password hashing with explicit parameters (the library's documented defaults are not
 * what it does, so they are never relied on). OWASP: m=47104 KiB, t=1, p=1.
 */
export type Argon2Params = { memoryCost: number; timeCost: number; parallelism: number };

/** @node-rs/argon2's Algorithm.Argon2id (a const enum, which isolated modules cannot read). */
const ARGON2ID = 2;

export const PASSWORD_PARAMS: Argon2Params = { memoryCost: 47104, timeCost: 1, parallelism: 1 };

export type PasswordHasher = {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
  /** True when the stored hash is weaker than the current parameters (rehash on next login). */
  needsRehash(hash: string): boolean;
};

/** Parses `$argon2id$v=19$m=…,t=…,p=…$…`; undefined when it is not an argon2id PHC string. */
export function parseArgon2(phc: string): Argon2Params | undefined {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(phc);
  if (!match) return undefined;
  return { memoryCost: Number(match[1]), timeCost: Number(match[2]), parallelism: Number(match[3]) };
}

export function createPasswordHasher(params: Argon2Params = PASSWORD_PARAMS): PasswordHasher {
  return {
    hash: (password) => hash(password, { algorithm: ARGON2ID, ...params }),
    verify: async (stored, password) => {
      try {
        return await verify(stored, password);
      } catch {
        return false;
      }
    },
    needsRehash: (stored) => {
      const p = parseArgon2(stored);
      return !p || p.memoryCost < params.memoryCost || p.timeCost < params.timeCost;
    },
  };
}

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

let common: Set<string> | undefined;
/** 49,233 common passwords from @zxcvbn-ts/language-common, loaded on first use. */
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));
  return common;
}

export type PasswordProblem = "TOO_SHORT" | "TOO_LONG" | "COMMON" | "CONTEXT";

/**
 * NIST 800-63B policy: 12–256 characters (code points), no composition rules, never truncated;
 * refused when it is a common password or the account's own email or name.
 */
export function checkPasswordPolicy(password: string, context: string[] = []): PasswordProblem | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return "TOO_SHORT";
  if (length > PASSWORD_MAX) return "TOO_LONG";
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return "COMMON";
  for (const word of context) if (word.length >= 4 && lower === word.toLowerCase()) return "CONTEXT";
  return undefined;
}
