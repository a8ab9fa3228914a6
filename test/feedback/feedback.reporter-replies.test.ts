// The thread with the reporter: a reply from the team reaches the reporter by email when they left an
// address and SMTP is configured (mailed after the commit, in their language; a mail failure never
// fails the reply), in Loupe when they have an account in the team; the thread says which
// (`reach`), so the UI can say plainly when a reply cannot reach an anonymous visitor. Reporters
// read the thread and write to it, never the internal comments; their own messages are not mailed.
import { afterEach, expect, test } from "bun:test";
import type { Mail, Mailer } from "../../src/lib/mailer.ts";
import { signedInUser } from "../support/accounts.ts";
import { startSmtp } from "../support/smtp.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

/**
 * A team (owner, member, reporter) with a project whose widget accepts the team's test site. With a
 * mailer, invitations are mailed rather than handed out: seeding reads their links from an outbox,
 * then the mailer under test takes over.
 */
async function world(mailer?: Mailer) {
  const outbox: Mail[] = [];
  let current: Mailer | undefined;
  const switching: Mailer = {
    send: (mail) => (current ? current.send(mail) : Promise.resolve(void outbox.push(mail))),
  };
  t = createTestApp(
    {},
    { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000, ...(mailer ? { mailer: switching } : {}) },
  );
  const app = t.app;
  const owner = await signedInUser(t, { email: "owner@alpha.example.test" });
  const team = await (await owner.browser.post("/api/v1/teams", { name: "Alpha" })).json();
  const T = `/api/v1/teams/${team.id}`;
  const join = async (role: "member" | "reporter") => {
    const person = await signedInUser(t!, { email: `${role}@alpha.example.test` });
    const invite = await (await owner.browser.post(`${T}/invitations`, { email: person.email, role })).json();
    const link = invite.url ?? /https?:\S+/.exec(outbox.findLast((m) => m.to === person.email)!.text)![0];
    const token = new URL(link).hash.replace("#token=", "");
    expect((await person.browser.post("/api/v1/invitations/accept", { token })).status).toBe(200);
    return person;
  };
  const member = await join("member");
  const reporter = await join("reporter");
  const siteOrigin = "https://alpha.example.test";
  const project = await (
    await owner.browser.post(`${T}/projects`, { name: "Site", settings: { allowedOrigins: [siteOrigin] } })
  ).json();
  const memberItem = await (await member.browser.post(`${T}/feedback`, { projectId: project.id, comment: "M" })).json();
  current = mailer;
  /** A visitor's feedback through the project's widget (no account). */
  const fromWidget = async (body: Record<string, unknown>): Promise<string> => {
    const res = await app.request(
      `http://loupe.test/api/v1/widget/${project.widgetKey}/feedback`,
      {
        method: "POST",
        headers: { Origin: siteOrigin, "Content-Type": "application/json" },
        body: JSON.stringify({ idempotencyId: crypto.randomUUID().replaceAll("-", ""), ...body }),
      },
      { clientIp: "203.0.113.7" },
    );
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  };
  return { t, a: { owner, member, reporter, project, memberItem }, T, fromWidget };
}

test("a reply to a visitor who left an email is mailed to them, in their language; the thread says it reaches them", async () => {
  const smtp = await startSmtp();
  try {
    const { a, T, fromWidget, t } = await world(smtp.mailer);
    const id = await fromWidget({
      title: "Der Warenkorb vergisst Artikel",
      comment: "Nach dem Login ist er leer.",
      reporterEmail: "visitor@example.test",
      metadata: { language: "de-AT", viewport: { width: 390, height: 844 } },
    });
    const thread = await (await a.member.browser.get(`${T}/feedback/${id}/messages`)).json();
    expect(thread).toEqual({ messages: [], reach: { email: true, account: false } });

    const sent = await a.member.browser.post(`${T}/feedback/${id}/messages`, { body: "Danke, behoben ab morgen." });
    expect(sent.status).toBe(201);
    const note = await sent.json();
    expect(note).toMatchObject({ authorId: a.member.user.id, body: "Danke, behoben ab morgen.", emailed: true });
    const mail = await smtp.waitForMail((m) => m.to.includes("visitor@example.test"));
    expect(mail.text).toContain("Danke, behoben ab morgen.");
    expect(mail.text).toContain("Der Warenkorb vergisst Artikel");
    expect(mail.text).toContain("Antwort auf Ihr Feedback");
    await smtp.settled();
    expect(t.logs.lines.join("\n")).not.toContain("visitor@example.test");
    expect(t.logs.lines.some((l) => l.includes('"mail.sent"') && l.includes("feedback_reply") && l.includes(id))).toBe(
      true,
    );

    // English otherwise.
    const other = await fromWidget({ comment: "The basket forgets items", reporterEmail: "eve@example.test" });
    await a.owner.browser.post(`${T}/feedback/${other}/messages`, { body: "Fixed tomorrow." });
    const english = await smtp.waitForMail((m) => m.to.includes("eve@example.test"));
    expect(english.text).toContain("replied to your feedback");
    expect(english.text).toContain("The basket forgets items");
  } finally {
    await smtp.stop();
  }
});

test("an anonymous visitor with no email cannot be reached; without SMTP an address does not help either", async () => {
  const { a, T, fromWidget } = await world();
  const anonymous = await fromWidget({ comment: "No address given" });
  expect((await (await a.member.browser.get(`${T}/feedback/${anonymous}/messages`)).json()).reach).toEqual({
    email: false,
    account: false,
  });
  const withEmail = await fromWidget({ comment: "An address, but no mail server", reporterEmail: "v@example.test" });
  expect((await (await a.member.browser.get(`${T}/feedback/${withEmail}/messages`)).json()).reach).toEqual({
    email: false,
    account: false,
  });
  // Stored all the same (the team may keep notes of what it would have said), and not mailed.
  const sent = await a.member.browser.post(`${T}/feedback/${withEmail}/messages`, { body: "Noted" });
  expect(sent.status).toBe(201);
  expect((await sent.json()).emailed).toBe(false);
});

test("a reporter with an account reads the thread and writes to it (not mailed), never the internal comments", async () => {
  const mails: string[] = [];
  const { a, T } = await world({
    send: async (mail) => {
      mails.push(mail.to);
    },
  });
  const id = (
    await (
      await a.reporter.browser.post(`${T}/feedback`, {
        projectId: a.project.id,
        comment: "Mine",
        reporterEmail: "reporter-mail@example.test",
      })
    ).json()
  ).id;
  expect((await a.member.browser.post(`${T}/feedback/${id}/comments`, { body: "internal only" })).status).toBe(201);
  const reply = await (await a.member.browser.post(`${T}/feedback/${id}/messages`, { body: "We see it" })).json();
  expect(reply.emailed).toBe(true);
  expect(mails).toEqual(["reporter-mail@example.test"]);

  t!.clock.advance(1000); // the thread is in time order
  const own = await a.reporter.browser.post(`${T}/feedback/${id}/messages`, { body: "Thanks!" });
  expect(own.status).toBe(201);
  expect((await own.json()).emailed).toBe(false);
  expect(mails).toHaveLength(1);

  const thread = await (await a.reporter.browser.get(`${T}/feedback/${id}/messages`)).json();
  expect(thread.messages.map((m: { body: string }) => m.body)).toEqual(["We see it", "Thanks!"]);
  expect(thread.reach).toEqual({ email: true, account: true });
  expect(JSON.stringify(thread)).not.toContain("internal only");
  expect((await a.reporter.browser.get(`${T}/feedback/${id}/comments`)).status).toBe(403);
  expect((await a.reporter.browser.get(`${T}/feedback/${a.memberItem.id}/messages`)).status).toBe(404);
});

test("a failing mail server never fails the reply: it is stored, and the failure is logged by item id only", async () => {
  const { a, T, fromWidget, t } = await world({
    send: async () => {
      throw new Error("connect ECONNREFUSED to visitor@example.test");
    },
  });
  const id = await fromWidget({ comment: "Hello", reporterEmail: "visitor@example.test" });
  const sent = await a.member.browser.post(`${T}/feedback/${id}/messages`, { body: "Reply" });
  expect(sent.status).toBe(201);
  const thread = await (await a.member.browser.get(`${T}/feedback/${id}/messages`)).json();
  expect(thread.messages.map((m: { body: string }) => m.body)).toEqual(["Reply"]);
  // The refused send settles in microtasks: one turn of the event loop has logged it.
  await Bun.sleep(0);
  const failed = t.logs.lines.find((l) => l.includes('"mail.failed"'));
  expect(failed).toContain(id);
  expect(t.logs.lines.join("\n")).not.toContain("visitor@example.test");
});
