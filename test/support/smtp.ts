import { SMTPServer } from "smtp-server";
import { createSmtpMailer, type Mailer } from "../../src/lib/mailer.ts";

export type CapturedMail = { to: string[]; raw: string; text: string };

/** The raw message with quoted-printable soft breaks and =XX escapes undone (enough to read links). */
function decodeQuotedPrintable(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A real SMTP server (smtp-server) on loopback that keeps what it receives. */
export async function startSmtp(): Promise<{
  mails: CapturedMail[];
  mailer: Mailer;
  url: string;
  stop(): Promise<void>;
  waitFor(n: number): Promise<void>;
  waitForMail(match: (m: CapturedMail) => boolean): Promise<CapturedMail>;
  /** Resolves once every mail handed to `mailer` so far was accepted or refused by the server. */
  settled(): Promise<void>;
}> {
  const mails: CapturedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text: decodeQuotedPrintable(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as { port: number }).port;
  const url = `smtp://127.0.0.1:${port}`;
  const smtp = createSmtpMailer(url, "loupe@example.test");
  // Sends still on their way; the server has stored a mail before the client's send resolves.
  const pending = new Set<Promise<void>>();
  const mailer: Mailer = {
    send(mail) {
      const sending = smtp.send(mail);
      pending.add(sending);
      const forget = () => void pending.delete(sending);
      sending.then(forget, forget);
      return sending;
    },
  };
  return {
    mails,
    url,
    mailer,
    async settled() {
      await Promise.allSettled([...pending]);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
    async waitFor(n) {
      for (let i = 0; i < 200 && mails.length < n; i++) await Bun.sleep(10);
    },
    async waitForMail(match) {
      for (let i = 0; i < 300; i++) {
        const found = mails.findLast(match);
        if (found) return found;
        await Bun.sleep(10);
      }
      throw new Error("no such mail arrived");
    },
  };
}
