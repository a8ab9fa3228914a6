// Teams and feedback end to end, as a new team would use them: owner creates a team and a project,
// invites a member and two reporters who accept; the reporters submit items with screenshots and each
// sees only their own item and its messages (never internal comments); the member triages (status,
// assignee, label, comment, message) and finds the item by a word of its comment; the member cannot
// change roles; the owner downgrades the member, whose next request is refused; every change is in
// the audit trail; `loupe audit verify` passes, then fails after a row is altered in the database.
import { expect, test } from "bun:test";
import { signedInUser } from "./support/accounts.ts";
import { feedbackForm, jpeg, png } from "./support/images.ts";
import { runCli } from "./support/subprocess.ts";
import { createTestApp, fastPasswords } from "./support/test-app.ts";

test("a team's day: invite, submit, triage, search, downgrade, audit, verify", async () => {
  const t = createTestApp({}, { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 });
  try {
    const owner = await signedInUser(t, { email: "owner@acme.example" });
    const member = await signedInUser(t, { email: "member@acme.example" });
    const alice = await signedInUser(t, { email: "alice@customer.example" });
    const bob = await signedInUser(t, { email: "bob@customer.example" });

    const team = await (await owner.browser.post("/api/v1/teams", { name: "Acme" })).json();
    const T = `/api/v1/teams/${team.id}`;
    const project = await (
      await owner.browser.post(`${T}/projects`, {
        name: "acme.example",
        settings: { allowedOrigins: ["https://acme.example"] },
      })
    ).json();
    expect(project.widgetKey).toMatch(/^lpk_[A-Za-z0-9_-]{43}$/);
    const label = await (await owner.browser.post(`${T}/labels`, { name: "checkout", color: "#ff8800" })).json();

    for (const [who, role] of [
      [member, "member"],
      [alice, "reporter"],
      [bob, "reporter"],
    ] as const) {
      const { url } = await (await owner.browser.post(`${T}/invitations`, { email: who.email, role })).json();
      expect(
        (await who.browser.post("/api/v1/invitations/accept", { token: new URL(url).hash.replace("#token=", "") }))
          .status,
      ).toBe(200);
    }
    const members = (await (await owner.browser.get(`${T}/members`)).json()).members;
    expect(members.map((m: { role: string }) => m.role).sort()).toEqual(["member", "owner", "reporter", "reporter"]);

    const aliceItem = await (
      await alice.browser.post(
        `${T}/feedback`,
        feedbackForm(
          {
            projectId: project.id,
            title: "Pay button",
            comment: "The pay button does nothing on Safari",
            rating: { scale: "stars", value: 2 },
          },
          { bytes: png(1280, 800) },
        ),
      )
    ).json();
    const bobItem = await (
      await bob.browser.post(
        `${T}/feedback`,
        feedbackForm(
          { projectId: project.id, comment: "Typo in the footer" },
          { bytes: jpeg(800, 600), type: "image/jpeg" },
        ),
      )
    ).json();
    expect(aliceItem.hasScreenshot && bobItem.hasScreenshot).toBe(true);

    // The member triages Alice's item.
    const url = `${T}/feedback/${aliceItem.id}`;
    const triaged = await member.browser.request(
      "PATCH",
      url,
      { status: "in_progress", assigneeId: member.user.id, labelIds: [label.id] },
      { "If-Match": `"v${aliceItem.version}"` },
    );
    expect(triaged.status).toBe(200);
    expect(
      (await member.browser.post(`${url}/comments`, { body: "Reproduced on iOS 19, looks like the payment SDK" }))
        .status,
    ).toBe(201);
    expect((await member.browser.post(`${url}/messages`, { body: "Thanks Alice, we are on it" })).status).toBe(201);
    const found = await (await member.browser.get(`${T}/feedback/search?q=Safari`)).json();
    expect(found.items.map((i: { id: string }) => i.id)).toEqual([aliceItem.id]);

    // Each reporter sees only their own item and its messages, never internal comments.
    const aliceList = await (await alice.browser.get(`${T}/feedback`)).json();
    expect(aliceList.items.map((i: { id: string }) => i.id)).toEqual([aliceItem.id]);
    expect(aliceList.items[0]).toMatchObject({
      status: "in_progress",
      assigneeId: member.user.id,
      labelIds: [label.id],
    });
    expect(
      (await (await alice.browser.get(`${url}/messages`)).json()).messages.map((m: { body: string }) => m.body),
    ).toEqual(["Thanks Alice, we are on it"]);
    expect((await alice.browser.get(`${url}/comments`)).status).toBe(403);
    expect((await (await alice.browser.get(`${T}/feedback/search?q=payment`)).json()).items).toEqual([]);
    expect((await bob.browser.get(url)).status).toBe(404);
    expect((await (await bob.browser.get(`${T}/feedback`)).json()).items.map((i: { id: string }) => i.id)).toEqual([
      bobItem.id,
    ]);

    // The member cannot change roles; the owner downgrades the member, whose next triage is refused.
    expect((await member.browser.patch(`${T}/members/${alice.user.id}`, { role: "member" })).status).toBe(403);
    expect((await owner.browser.patch(`${T}/members/${member.user.id}`, { role: "reporter" })).status).toBe(200);
    expect((await member.browser.post(`${url}/comments`, { body: "still here?" })).status).toBe(403);

    // Every change is in the audit trail.
    const actions = (await (await owner.browser.get(`${T}/audit`)).json()).entries
      .map((e: { action: string }) => e.action)
      .reverse();
    for (const action of [
      "team.created",
      "invitation.created",
      "invitation.accepted",
      "member.added",
      "feedback.created",
      "feedback.triaged",
      "feedback.comment_added",
      "feedback.message_added",
      "member.role_changed",
    ]) {
      expect(actions).toContain(action);
    }
    expect(actions.filter((a: string) => a === "invitation.accepted")).toHaveLength(3);
    const csv = await (await owner.browser.get(`${T}/audit/export?format=csv`)).text();
    expect(csv.split("\r\n")[0]).toBe('"seq","at","actorId","actorName","actorEmail","action","targetId","targetName"');

    const env = {
      LOUPE_DATA_DIR: t.config.dataDir,
      LOUPE_KEY_DIR: t.config.keyDir,
      LOUPE_MASTER_KEY: (t.config.masterKey as { key: Buffer }).key.toString("base64"),
    };
    t.auditHead.flush(); // the server anchors its head within a second; this test verifies from another process at once
    const ok = await runCli(["audit", "verify"], env);
    expect(ok.code).toBe(0);
    t.store.db.write(() =>
      t.store.db.run("UPDATE audit_log SET action = 'member.added' WHERE action = 'member.role_changed'"),
    );
    const broken = await runCli(["audit", "verify"], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain("entry_altered");
  } finally {
    t.close();
  }
});
