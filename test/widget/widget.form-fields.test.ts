// Invariant: a widget submission is checked against its project's form settings — required fields
// present, the rating's scale, a category among the project's labels of its own team, answers fitting
// their fields — before anything is stored; the public config exposes only what the widget needs.
import { afterEach, expect, test } from "bun:test";
import { seedTeam } from "../support/teams.ts";
import { createTestApp, fastPasswords, type TestContext } from "../support/test-app.ts";

let t: TestContext | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const ORIGIN = "https://alpha.example.test";
const newId = () => crypto.randomUUID().replaceAll("-", "");

const PLAN = { type: "select", id: "plan", label: "Plan", options: ["Free", "Pro"] } as const;
const CONSENT = { type: "checkbox", id: "consent", label: "May we contact you?" } as const;

async function world(options: { withBeta?: boolean } = {}) {
  t = createTestApp(
    { LOUPE_WIDGET_SUBMISSIONS_PER_MINUTE: "10000", LOUPE_WIDGET_KEY_SUBMISSIONS_PER_MINUTE: "100000" },
    { passwords: fastPasswords(), authAttemptsPerMinute: 1_000_000 },
  );
  const a = await seedTeam(t, "alpha");
  const b = options.withBeta ? await seedTeam(t, "beta") : undefined;
  const app = t.app;
  const P = `/api/v1/teams/${a.team.id}/projects/${a.project.id}`;
  const settings = async (s: Record<string, unknown>) => {
    const res = await a.owner.browser.patch(P, { settings: s });
    if (res.status !== 200) throw new Error(`settings: ${res.status} ${await res.text()}`);
  };
  const submit = (body: Record<string, unknown>) =>
    app.request(
      `http://loupe.test/api/v1/widget/${a.project.widgetKey}/feedback`,
      {
        method: "POST",
        headers: { Origin: ORIGIN, "Content-Type": "application/json" },
        body: JSON.stringify({ comment: "Something is off", idempotencyId: newId(), ...body }),
      },
      { clientIp: "203.0.113.7" },
    );
  /** The problem's status, code and the fields it names (sorted). */
  const refusal = async (res: Response) => {
    const body = await res.json();
    return {
      status: res.status,
      code: body.code,
      fields: ((body.errors ?? []) as { field: string }[]).map((e) => e.field).sort(),
    };
  };
  const items = () =>
    t!.store.db.get<{ n: number }>("SELECT count(*) AS n FROM feedback_items WHERE project_id = ?", a.project.id)!.n;
  const item = async (res: Response) => {
    expect(res.status).toBe(201);
    const { id } = await res.json();
    return (await a.owner.browser.get(`/api/v1/teams/${a.team.id}/feedback/${id}`)).json();
  };
  const config = async () => {
    const res = await app.request(`http://loupe.test/api/v1/widget/${a.project.widgetKey}/config`, {
      headers: { Origin: ORIGIN },
    });
    expect(res.status).toBe(200);
    return res.json();
  };
  return { a, b, P, settings, submit, refusal, items, item, config };
}

const invalid = (...fields: string[]) => ({ status: 400, code: "VALIDATION_FAILED", fields: fields.sort() });

test("every required field that is missing is named at once, and nothing is stored", async () => {
  const { a, settings, submit, refusal, items, item } = await world();
  await settings({
    fields: {
      rating: { enabled: true, required: true, scale: "nps" },
      title: { enabled: true, required: true },
      email: { enabled: true, required: true },
      category: { enabled: true, required: true, labelIds: [a.label.id] },
      custom: [
        { ...PLAN, required: true },
        { ...CONSENT, required: true },
      ],
    },
  });
  const before = items();
  const all = ["rating", "title", "reporterEmail", "categoryId", "answers.plan", "answers.consent"];
  expect(await refusal(await submit({}))).toEqual(invalid(...all));
  // An empty answer, an unchecked required checkbox and a blank title count as missing too.
  expect(await refusal(await submit({ title: "   ", answers: { plan: "", consent: false } }))).toEqual(invalid(...all));
  expect(
    await refusal(
      await submit({
        rating: { scale: "nps", value: 0 },
        title: "Checkout",
        reporterEmail: "visitor@example.test",
        categoryId: a.label.id,
        answers: { plan: "Pro", consent: false },
      }),
    ),
  ).toEqual(invalid("answers.consent"));
  expect(items()).toBe(before);

  const stored = await item(
    await submit({
      rating: { scale: "nps", value: 0 },
      title: "Checkout",
      reporterEmail: "visitor@example.test",
      categoryId: a.label.id,
      answers: { plan: "Pro", consent: true },
    }),
  );
  expect(stored.rating).toEqual({ scale: "nps", value: 0 });
  expect(stored.title).toBe("Checkout");
  expect(stored.reporter.email).toBe("visitor@example.test");
  expect(stored.labelIds).toEqual([a.label.id]);
  expect(stored.metadata.answers).toEqual({
    plan: { label: "Plan", value: "Pro" },
    consent: { label: "May we contact you?", value: true },
  });
  expect(items()).toBe(before + 1);
});

test("optional fields may be left out; a disabled required flag asks for nothing", async () => {
  const { settings, submit, item } = await world();
  await settings({
    fields: {
      rating: { enabled: true, required: false },
      title: { enabled: false, required: true },
      email: { enabled: false, required: true },
      custom: [PLAN, CONSENT],
    },
  });
  const stored = await item(await submit({}));
  expect(stored.rating).toBeNull();
  expect(stored.labelIds).toEqual([]);
  expect(stored.metadata.answers).toBeUndefined();
});

test("a rating on another scale than the project's is refused, naming rating", async () => {
  const { settings, submit, refusal, items, item } = await world();
  await settings({ fields: { rating: { enabled: true, scale: "nps" } } });
  const before = items();
  for (const rating of [
    { scale: "stars", value: 4 },
    { scale: "emoji", value: 1 },
  ])
    expect(await refusal(await submit({ rating }))).toEqual(invalid("rating"));
  // Outside its own scale: refused by the payload schema, naming the same field.
  expect(await refusal(await submit({ rating: { scale: "nps", value: 11 } }))).toEqual(invalid("rating"));
  expect(items()).toBe(before);
  expect((await item(await submit({ rating: { scale: "nps", value: 10 } }))).rating).toEqual({
    scale: "nps",
    value: 10,
  });
  await settings({ fields: { rating: { enabled: true, scale: "stars" } } });
  expect(await refusal(await submit({ rating: { scale: "nps", value: 3 } }))).toEqual(invalid("rating"));
  expect((await item(await submit({ rating: { scale: "stars", value: 3 } }))).rating.scale).toBe("stars");
});

test("a category must be one of the project's category labels; the item carries the one picked", async () => {
  const { a, b, settings, submit, refusal, items, item, config } = await world({ withBeta: true });
  const idea = await (
    await a.owner.browser.post(`/api/v1/teams/${a.team.id}/labels`, { name: "idea", color: "#33aa33" })
  ).json();
  await settings({ fields: { category: { enabled: true, labelIds: [a.label.id] } } });
  const before = items();
  for (const categoryId of [
    b!.label.id, // another team's label
    newId(), // no label at all
    idea.id, // the team's, but not offered by this project
  ])
    expect(await refusal(await submit({ categoryId }))).toEqual(invalid("categoryId"));
  expect(items()).toBe(before);
  expect((await item(await submit({ categoryId: a.label.id }))).labelIds).toEqual([a.label.id]);
  expect((await item(await submit({}))).labelIds).toEqual([]);
  // A disabled picker takes no category, even one it lists.
  await settings({ fields: { category: { enabled: false, labelIds: [a.label.id] } } });
  expect(await refusal(await submit({ categoryId: a.label.id }))).toEqual(invalid("categoryId"));
  expect((await config()).fields.category.options).toEqual([{ id: a.label.id, name: "bug" }]);
});

test("a category id in the settings that is not a label of the team (another team's, or deleted since) is refused, never attached", async () => {
  const { a, b, P, submit, refusal, items, item, config } = await world({ withBeta: true });
  const idea = await (
    await a.owner.browser.post(`/api/v1/teams/${a.team.id}/labels`, { name: "idea", color: "#33aa33" })
  ).json();
  // Whether or not saving such settings is refused, the ingest must not take another team's label.
  await a.owner.browser.patch(P, {
    settings: { fields: { category: { enabled: true, labelIds: [a.label.id, idea.id, b!.label.id] } } },
  });
  expect((await a.owner.browser.delete(`/api/v1/teams/${a.team.id}/labels/${idea.id}`)).status).toBe(200);
  expect((await config()).fields.category.options).toEqual([{ id: a.label.id, name: "bug" }]);
  const before = items();
  for (const categoryId of [idea.id, b!.label.id])
    expect(await refusal(await submit({ categoryId }))).toEqual(invalid("categoryId"));
  expect(items()).toBe(before);
  const foreign = t!.store.db.get<{ n: number }>(
    "SELECT count(*) AS n FROM feedback_labels WHERE label_id = ?",
    b!.label.id,
  )!.n;
  expect(foreign).toBe(0);
  expect((await item(await submit({ categoryId: a.label.id }))).labelIds).toEqual([a.label.id]);
});

test("the same idempotency id with another category is a conflict, not the first item", async () => {
  const { a, settings, submit, refusal } = await world();
  const idea = await (
    await a.owner.browser.post(`/api/v1/teams/${a.team.id}/labels`, { name: "idea", color: "#33aa33" })
  ).json();
  await settings({ fields: { category: { enabled: true, labelIds: [a.label.id, idea.id] } } });
  const idempotencyId = newId();
  const first = await submit({ idempotencyId, categoryId: a.label.id });
  expect(first.status).toBe(201);
  const { id } = await first.json();
  const same = await submit({ idempotencyId, categoryId: a.label.id });
  expect([same.status, (await same.json()).id]).toEqual([201, id]);
  const other = await submit({ idempotencyId, categoryId: idea.id });
  expect(await refusal(other)).toEqual({ status: 409, code: "IDEMPOTENCY_CONFLICT", fields: [] });
});

test("answers: an unknown field, an option not offered, a non-boolean checkbox are refused naming answers.<id>", async () => {
  const { settings, submit, refusal, items, item } = await world();
  await settings({ fields: { custom: [PLAN, CONSENT] } });
  const before = items();
  const cases: [Record<string, unknown>, string][] = [
    [{ nope: "x" }, "answers.nope"],
    [{ plan: "Enterprise" }, "answers.plan"],
    [{ plan: "pro" }, "answers.plan"],
    [{ plan: true }, "answers.plan"],
    [{ consent: "yes" }, "answers.consent"],
    [{ consent: "true" }, "answers.consent"],
    [{ plan: "Free", consent: "on" }, "answers.consent"],
  ];
  for (const [answers, field] of cases) {
    const got = await refusal(await submit({ answers }));
    expect(`${JSON.stringify(answers)} ${JSON.stringify(got)}`).toBe(
      `${JSON.stringify(answers)} ${JSON.stringify(invalid(field))}`,
    );
  }
  expect(items()).toBe(before);
  const stored = await item(
    await submit({ answers: { plan: "Free", consent: false }, metadata: { viewport: "1280x720" } }),
  );
  expect(stored.metadata).toEqual({
    viewport: "1280x720",
    answers: { plan: { label: "Plan", value: "Free" }, consent: { label: "May we contact you?", value: false } },
  });
});

test("an unchecked required checkbox counts as missing; checked, it is stored", async () => {
  const { settings, submit, refusal, item } = await world();
  await settings({ fields: { custom: [{ ...CONSENT, required: true }] } });
  expect(await refusal(await submit({ answers: { consent: false } }))).toEqual(invalid("answers.consent"));
  expect(await refusal(await submit({}))).toEqual(invalid("answers.consent"));
  expect((await item(await submit({ answers: { consent: true } }))).metadata.answers).toEqual({
    consent: { label: "May we contact you?", value: true },
  });
});

test("metadata.answers is the server's: answers a client wrote there itself are dropped, never stored as checked", async () => {
  const { settings, submit, item } = await world();
  await settings({ fields: { custom: [PLAN] } });
  const forged = { answers: { plan: { label: "Plan", value: "Enterprise (forged)" } }, language: "de-AT" };
  expect((await item(await submit({ metadata: forged }))).metadata).toEqual({ language: "de-AT" });
  expect((await item(await submit({ metadata: forged, answers: { plan: "Pro" } }))).metadata).toEqual({
    language: "de-AT",
    answers: { plan: { label: "Plan", value: "Pro" } },
  });
});

test("the public config: widgetId is the project, autoOpenRules follows the rules and the audience", async () => {
  const { a, settings, config } = await world();
  const first = await config();
  expect(first.widgetId).toBe(a.project.id);
  expect(first.autoOpenRules).toBe(false);
  const table: [Record<string, unknown>, boolean][] = [
    [{ autoOpen: { afterSeconds: 10 } }, true],
    [{ autoOpen: { scrollPercent: 50 } }, true],
    [{ autoOpen: { exitIntent: true } }, true],
    [{ autoOpen: { onEvents: ["checkout.done"] } }, true],
    [{ autoOpen: { afterSeconds: 10 }, audience: "identified" }, true],
    [{ autoOpen: { afterSeconds: 10 }, audience: "nobody" }, false],
    [{ autoOpen: { exitIntent: true, onEvents: ["x"] }, audience: "nobody" }, false],
    [{ audience: "everyone", samplePercent: 50 }, false],
    [{}, false],
  ];
  for (const [rules, expected] of table) {
    await settings({ rules });
    expect(`${JSON.stringify(rules)} ${(await config()).autoOpenRules}`).toBe(`${JSON.stringify(rules)} ${expected}`);
  }
});

test("launcherCss carries the colour and the position, and no other settings text", async () => {
  const { settings, config } = await world();
  await settings({ appearance: { color: "#12ab34", position: "top-left" } });
  const css: string = (await config()).launcherCss;
  expect(css).toContain("#12ab34");
  expect(css).toContain("top:20px;left:20px");
  expect(css).not.toContain("bottom:");
  expect(css).not.toContain("right:20px");
  expect(css).not.toContain("#4f46e5");

  const hostile = "x}</style><img src=x onerror=alert(1)>{";
  await settings({
    appearance: { color: "#12ab34", position: "top-left", label: hostile.slice(0, 40) },
    strings: { en: { "launcher.label": "}</style>strings" } },
    privacy: { selectors: ["}</style>.selector"] },
    fields: { custom: [{ ...CONSENT, label: "}</style>custom" }] },
  });
  const after = await config();
  expect(after.appearance.label).toBe(hostile.slice(0, 40));
  expect(after.launcherCss).toBe(css);
  for (const text of ["</style>", "<img", "onerror", "strings", ".selector", "custom"])
    expect(`${text} ${after.launcherCss.includes(text)}`).toBe(`${text} false`);

  for (const [position, expected] of [
    ["bottom-right", "bottom:20px;right:20px"],
    ["bottom-left", "bottom:20px;left:20px"],
    ["top-right", "top:20px;right:20px"],
  ] as const) {
    await settings({ appearance: { position } });
    expect((await config()).launcherCss).toContain(expected);
  }
});
