// Invariant: the backup settings are checked with the others — a bad time, a recipient that is not an age
// X25519 key, or a backup directory beside the keys is named at start; the defaults are 03:00 into
// LOUPE_DATA_DIR/backups, no mirror, no operator recipients.
import { expect, test } from "bun:test";
import { ConfigError, loadConfig } from "../../src/config.ts";

const base = { LOUPE_DATA_DIR: "/srv/loupe/data", LOUPE_KEY_DIR: "/srv/loupe/keys" };
const RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

test("defaults: daily at 03:00 into the data directory's backups, no mirror, no operator recipients", () => {
  expect(loadConfig(base, "/").backup).toEqual({
    dir: "/srv/loupe/data/backups",
    hour: 3,
    minute: 0,
    recipients: [],
    mirrorDir: undefined,
  });
  expect(
    loadConfig(
      {
        ...base,
        LOUPE_BACKUP_TIME: "23:45",
        LOUPE_BACKUP_RECIPIENTS: ` ${RECIPIENT} ,${RECIPIENT}`,
        LOUPE_BACKUP_DIR: "/mnt/backups",
        LOUPE_BACKUP_MIRROR_DIR: "/mnt/nas/loupe",
      },
      "/",
    ).backup,
  ).toEqual({
    dir: "/mnt/backups",
    hour: 23,
    minute: 45,
    recipients: [RECIPIENT, RECIPIENT],
    mirrorDir: "/mnt/nas/loupe",
  });
});

test("a bad time, a bad recipient and backups beside the keys are each named", () => {
  let error: unknown;
  try {
    loadConfig(
      {
        ...base,
        LOUPE_BACKUP_TIME: "24:00",
        LOUPE_BACKUP_RECIPIENTS: `${RECIPIENT},AGE-SECRET-KEY-1QQQ`,
      },
      "/",
    );
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).problems.map((p) => p.variable).sort()).toEqual([
    "LOUPE_BACKUP_RECIPIENTS",
    "LOUPE_BACKUP_TIME",
  ]);
  // The message names the variable, never the value (a secret key pasted by mistake stays out of logs).
  expect((error as Error).message).not.toContain("AGE-SECRET-KEY");
  expect(() => loadConfig({ ...base, LOUPE_BACKUP_MIRROR_DIR: "/srv/loupe/keys/mirror" }, "/")).toThrow(
    "LOUPE_BACKUP_MIRROR_DIR must be a directory apart from LOUPE_KEY_DIR",
  );
});
