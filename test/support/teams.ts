import { rmSync } from "node:fs";
import { createFeedback } from "../../src/services/feedback/feedback.ts";
import { enableTotp, signedInUser } from "./accounts.ts";
import { Browser } from "./browser.ts";
import { feedbackForm, png } from "./images.ts";
import { newMasterKeyText } from "./temp.ts";
import { createTestApp, fastPasswords, type TestAppOptions, type TestContext } from "./test-app.ts";

type Person = Awaited<ReturnType<typeof signedInUser>>;

// biome-ignore lint/suspicious/noExplicitAny: a test helper that hands back whatever JSON the API answered
async function ok(res: Response | Promise<Response>, status = 200): Promise<any> {
  const r = await res;
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${await r.text()}`);
  return r.json();
}

/** A team with an owner, a member and a reporter who joined by invitation, a project, a label and items. */
export async function seedTeam(t: TestContext, name: string) {
  const owner = await signedInUser(t, {
    email: `${name}.owner.${Math.random().toString(36).slice(2, 8)}@example.test`,
  });
  const team = await ok(owner.browser.post("/api/v1/teams", { name }), 201);
  const join = async (role: "member" | "reporter") => {
    const person = await signedInUser(t, {
      email: `${name}.${role}.${Math.random().toString(36).slice(2, 8)}@example.test`,
    });
    const invite = await ok(
      owner.browser.post(`/api/v1/teams/${team.id}/invitations`, { email: person.email, role }),
      201,
    );
    await ok(
      person.browser.post("/api/v1/invitations/accept", { token: new URL(invite.url).hash.replace("#token=", "") }),
    );
    return person;
  };
  const member = await join("member");
  const reporter = await join("reporter");
  // The widget of this project may submit from the team's own test site.
  const siteOrigin = `https://${name}.example.test`;
  const project = await ok(
    owner.browser.post(`/api/v1/teams/${team.id}/projects`, {
      name: `${name} site`,
      settings: { allowedOrigins: [siteOrigin] },
    }),
    201,
  );
  const label = await ok(owner.browser.post(`/api/v1/teams/${team.id}/labels`, { name: "bug", color: "#cc3333" }), 201);
  const item = await ok(
    reporter.browser.post(
      `/api/v1/teams/${team.id}/feedback`,
      feedbackForm(
        { projectId: project.id, comment: `${name} reporter item`, title: `${name} title` },
        { bytes: png(4, 3) },
      ),
    ),
    201,
  );
  const memberItem = await ok(
    member.browser.post(`/api/v1/teams/${team.id}/feedback`, { projectId: project.id, comment: `${name} member item` }),
    201,
  );
  await ok(
    member.browser.post(`/api/v1/teams/${team.id}/feedback/${item.id}/comments`, { body: `${name} internal note` }),
    201,
  );
  await ok(
    member.browser.post(`/api/v1/teams/${team.id}/feedback/${item.id}/messages`, { body: `${name} hello reporter` }),
    201,
  );
  const pendingInvite = await ok(
    owner.browser.post(`/api/v1/teams/${team.id}/invitations`, {
      email: `${name}.pending@example.test`,
      role: "member",
    }),
    201,
  );
  return {
    team,
    owner,
    member,
    reporter,
    project,
    siteOrigin,
    label,
    item,
    memberItem,
    invitation: pendingInvite.invitation as { id: string },
  };
}

export type SeededTeam = Awaited<ReturnType<typeof seedTeam>>;

type WorldOptions = { publicUrl?: string };

function worldApp(
  options: WorldOptions,
  env: Record<string, string> = {},
  appOptions: TestAppOptions = {},
): TestContext {
  return createTestApp(
    { ...(options.publicUrl ? { LOUPE_PUBLIC_URL: options.publicUrl } : {}), ...env },
    { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000, ...appOptions },
  );
}

/** Two teams and an instance admin (MFA on), in one app. */
export async function seedWorld(
  options: WorldOptions = {},
  env: Record<string, string> = {},
  appOptions: TestAppOptions = {},
) {
  const t = worldApp(options, env, appOptions);
  const a = await seedTeam(t, "alpha");
  const b = await seedTeam(t, "beta");
  const admin: Person = await signedInUser(t, { admin: true });
  await enableTotp(t, admin.browser, admin.password);
  const anonymous = new Browser(t.app, t.config.publicOrigin);
  return { t, a, b, admin, anonymous };
}

export type World = Awaited<ReturnType<typeof seedWorld>>;

/**
 * Seeds one world, then hands out as many fresh copies of it as a test needs: each `next()` is a new
 * app on a copy of the seeded database (same ids, sessions and cookies, clock at the same time), far
 * cheaper than seeding again. `close()` removes the seeded original.
 */
export async function seededWorlds(options: WorldOptions = {}): Promise<{ next(): World; close(): void }> {
  const env = { LOUPE_MASTER_KEY: newMasterKeyText() };
  const seeded = await seedWorld(options, env);
  seeded.t.store.close();
  const now = seeded.t.clock.now();
  return {
    next() {
      const t = worldApp(options, env, { copyDataFrom: seeded.t.config.dataDir, clockStart: now });
      const person = (p: Person): Person => ({ ...p, browser: p.browser.copyFor(t.app) });
      const team = (s: SeededTeam): SeededTeam => ({
        ...s,
        owner: person(s.owner),
        member: person(s.member),
        reporter: person(s.reporter),
      });
      return {
        t,
        a: team(seeded.a),
        b: team(seeded.b),
        admin: person(seeded.admin),
        anonymous: seeded.anonymous.copyFor(t.app),
      };
    },
    close: () => rmSync(seeded.t.dir, { recursive: true, force: true }),
  };
}

/** Adds `n` items to a team directly through the service, in one transaction (one sync, not `n`). */
export function seedItems(
  t: TestContext,
  teamId: string,
  projectId: string,
  reporterId: string | null,
  n: number,
  text: (i: number) => string,
): void {
  t.store.db.write(() => {
    for (let i = 0; i < n; i++) {
      createFeedback(t.ctx, {
        teamId,
        reporter: { userId: reporterId, anonymousId: null },
        data: { projectId, comment: text(i), title: `item ${i}` },
      });
    }
  });
}
