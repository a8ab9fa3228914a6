// Invariant: the backup's age files, with their payload sealed on several worker threads, are standard age
// files: Debian's `age` and age-encryption open them byte for byte at every chunk and batch boundary, with
// one worker or several; a flipped byte anywhere is refused. The drill's parallel opening reads what the age
// CLI wrote, and refuses a flipped byte, a cut-off file and a stranger's identity.
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decrypter, generateX25519Identity, identityToRecipient } from "age-encryption";
import { decryptAgeFile, encryptAge } from "../../src/services/backup/age-parallel.ts";

const AGE = "/usr/bin/age";
const dir = mkdtempSync(join(tmpdir(), "loupe-age-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const K = 64 * 1024;
const M = 16 * K; // one batch
let cliRuns = 0;

async function encrypt(recipients: string[], plain: Uint8Array, workers: number, pieceSize = 50_000) {
  async function* pieces() {
    for (let at = 0; at < plain.length; at += pieceSize) yield plain.subarray(at, at + pieceSize);
  }
  const parts: Uint8Array[] = [];
  for await (const part of encryptAge(recipients, pieces(), { workers })) parts.push(part);
  return Buffer.concat(parts);
}

function ageCli(identityFile: string, file: Buffer): { status: number | null; out: Buffer; err: string } {
  const input = join(dir, `in-${++cliRuns}.age`);
  writeFileSync(input, file);
  const run = spawnSync(AGE, ["-d", "-i", identityFile, input], { maxBuffer: 64 * 1024 * 1024 });
  rmSync(input);
  return { status: run.status, out: run.stdout, err: run.stderr.toString() };
}

test("every size around the chunk and batch boundaries round-trips through the age CLI and age-encryption, on 1 and 3 workers", async () => {
  const identity = await generateX25519Identity();
  const operator = await generateX25519Identity();
  const identityFile = join(dir, "identity.txt");
  writeFileSync(identityFile, `${operator}\n`);
  const recipients = [await identityToRecipient(identity), await identityToRecipient(operator)];
  const sizes = [0, 1, K - 1, K, K + 1, M - 1, M, M + 1, 2 * M, 3 * M + 12_345];
  for (const workers of [1, 3]) {
    for (const size of sizes) {
      const plain = randomBytes(size);
      const file = await encrypt(recipients, plain, workers);
      expect(file.subarray(0, 21).toString()).toBe("age-encryption.org/v1");
      const cli = ageCli(identityFile, file);
      expect({ size, workers, status: cli.status, err: cli.err }).toEqual({ size, workers, status: 0, err: "" });
      expect(Buffer.compare(cli.out, plain)).toBe(0);
      const decrypter = new Decrypter();
      decrypter.addIdentity(identity);
      expect(Buffer.compare(Buffer.from(await decrypter.decrypt(file)), plain)).toBe(0);
    }
  }
});

test("the payload is sealed in 64 KiB chunks: the file is exactly header + nonce + size + 16 bytes per chunk", async () => {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  const header = (await encrypt([recipient], new Uint8Array(0), 2)).length - 16; // an empty payload is one empty chunk
  for (const size of [1, K, K + 1, 5 * M + 7]) {
    const file = await encrypt([recipient], randomBytes(size), 2);
    expect(file.length).toBeGreaterThan(header);
    expect(file.length - header).toBe(size + 16 * Math.max(1, Math.ceil(size / K)));
  }
});

test("a flipped byte in the header, in a middle chunk or in the last chunk, or a cut-off last chunk, is refused by the age CLI", async () => {
  const identity = await generateX25519Identity();
  const identityFile = join(dir, "identity-2.txt");
  writeFileSync(identityFile, `${identity}\n`);
  const plain = randomBytes(2 * M + 100);
  const file = await encrypt([await identityToRecipient(identity)], plain, 2);
  expect(ageCli(identityFile, file).status).toBe(0);
  for (const at of [30, file.length - plain.length - 40, Math.floor(file.length / 2), file.length - 1]) {
    const damaged = Buffer.from(file);
    damaged[at]! ^= 0x01;
    const cli = ageCli(identityFile, damaged);
    expect({ at, status: cli.status }).toEqual({ at, status: 1 });
  }
  // Dropping the whole last chunk leaves a file that ends on an unflagged chunk: truncation is detected.
  const cut = file.subarray(0, file.length - (100 + 16));
  expect(ageCli(identityFile, Buffer.from(cut)).status).toBe(1);
});

test("a file the age CLI made to an identity opens with age-encryption (the other direction)", async () => {
  const identity = await generateX25519Identity();
  const plain = randomBytes(M + 3);
  const input = join(dir, "plain.bin");
  writeFileSync(input, plain);
  const run = spawnSync(AGE, ["-r", await identityToRecipient(identity), input], { maxBuffer: 64 * 1024 * 1024 });
  expect(run.status).toBe(0);
  const decrypter = new Decrypter();
  decrypter.addIdentity(identity);
  expect(Buffer.compare(Buffer.from(await decrypter.decrypt(run.stdout)), plain)).toBe(0);
});

async function openAll(path: string, identities: string[], workers: number): Promise<Buffer> {
  const opened = await decryptAgeFile(path, identities, { workers });
  const parts: Uint8Array[] = [];
  for await (const part of opened.plaintext) parts.push(part);
  const plain = Buffer.concat(parts);
  expect(plain.length).toBe(opened.plaintextBytes);
  return plain;
}

test("files the age CLI wrote open in parallel byte for byte at every boundary, on 1 and 3 workers", async () => {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);
  for (const size of [0, 1, K - 1, K, K + 1, M, M + 1, 2 * M, 3 * M + 12_345]) {
    const plain = randomBytes(size);
    const input = join(dir, `plain-${size}.bin`);
    writeFileSync(input, plain);
    const file = join(dir, `cli-${size}.age`);
    expect(spawnSync(AGE, ["-r", recipient, "-o", file, input]).status).toBe(0);
    for (const workers of [1, 3]) expect(Buffer.compare(await openAll(file, [identity], workers), plain)).toBe(0);
  }
});

test("opening refuses a flipped byte anywhere, a file cut at a chunk boundary, and an identity it was not made for", async () => {
  const identity = await generateX25519Identity();
  const stranger = await generateX25519Identity();
  const plain = randomBytes(2 * M + 100);
  const good = await encrypt([await identityToRecipient(identity)], plain, 2);
  const file = join(dir, "damaged.age");
  const header = good.length - plain.length - 16 * Math.ceil(plain.length / K) - 16;
  for (const at of [30, header + 3, header + 16 + 5, Math.floor(good.length / 2), good.length - 1]) {
    const damaged = Buffer.from(good);
    damaged[at]! ^= 0x01;
    writeFileSync(file, damaged);
    expect({
      at,
      opened: await openAll(file, [identity], 2).then(
        () => true,
        () => false,
      ),
    }).toEqual({ at, opened: false });
  }
  // Cut after the last full chunk: every chunk left authenticates, but none carries the last-chunk flag.
  writeFileSync(file, good.subarray(0, good.length - (100 + 16)));
  expect(
    await openAll(file, [identity], 2).then(
      () => true,
      () => false,
    ),
  ).toBe(false);
  writeFileSync(file, good);
  expect(
    await openAll(file, [stranger], 2).then(
      () => true,
      () => false,
    ),
  ).toBe(false);
  expect(Buffer.compare(await openAll(file, [stranger, identity], 2), plain)).toBe(0);
});
