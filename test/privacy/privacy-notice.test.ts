// The privacy-page text follows the project's saved settings: the IP line only when IPs are stored,
// the localStorage keys only when storage is on (and only those the settings make the widget write),
// the retention period, this installation's URL, no sub-processors — in English and German, Markdown
// and HTML, with the project's name and field labels escaped for each format.
import { expect, test } from "bun:test";
import { type NoticeInput, privacyNotice } from "../../src/shared/privacy-notice.ts";
import { seedWorld } from "../support/teams.ts";

const base = (over: Partial<NoticeInput["settings"]> = {}, rest: Partial<NoticeInput> = {}): NoticeInput => ({
  projectId: "P1234567890abcdef",
  projectName: "Shop",
  settings: {
    fields: {
      rating: { enabled: false, required: false, scale: "stars" },
      email: { enabled: false, required: false },
      title: { enabled: false, required: false },
      category: { enabled: false, required: false, labelIds: [] },
      custom: [],
    },
    storage: true,
    storeIp: false,
    urlQuery: "drop",
    consoleCapture: false,
    retentionDays: null,
    privacy: { selectors: [], formFields: true, maskEmails: false, maskCardNumbers: false },
    appearance: {
      launcher: "button",
      position: "bottom-right",
      color: "#4f46e5",
      label: "Feedback",
      visitorMayHideDays: 0,
    },
    ...over,
  },
  autoOpenRules: false,
  publicUrl: "https://feedback.example.eu",
  trashDays: 30,
  backupDays: 90,
  ...rest,
});

test("the IP line, the console line, the page address and the retention follow the settings", () => {
  const off = privacyNotice(base(), "en").markdown;
  expect(off).toContain("Your IP address is not stored.");
  expect(off).not.toContain("- Your IP address\n");
  expect(off).not.toContain("console");
  expect(off).toContain("without its query string and fragment");
  expect(off).toContain("Feedback is kept until the website's team deletes it.");
  const on = privacyNotice(
    base({ storeIp: true, consoleCapture: true, urlQuery: "keep", retentionDays: 180 }),
    "en",
  ).markdown;
  expect(on).toContain("- Your IP address\n");
  expect(on).not.toContain("not stored");
  expect(on).toContain("last 50 console errors and warnings");
  expect(on).toContain("including its query string and fragment");
  expect(on).toContain("deleted for good 180 days after it was sent");
  const de = privacyNotice(base({ storeIp: true, retentionDays: 180 }), "de").markdown;
  expect(de).toContain("- Ihre IP-Adresse\n");
  expect(de).toContain("180 Tage nach dem Senden endgültig gelöscht");
  expect(privacyNotice(base(), "de").markdown).toContain("Ihre IP-Adresse wird nicht gespeichert.");
  // The fixed windows and where the data lives, in both languages.
  expect(off).toContain("at most 90 days later (120 days in all)");
  expect(off).toContain("gone from every backup within 90 days");
  expect(off).toContain("https://feedback.example.eu");
  expect(off).toContain("No sub-processors");
  expect(privacyNotice(base(), "de").markdown).toContain("Keine Auftragsverarbeiter");
});

test("localStorage: none at all with storage off; otherwise exactly the keys these settings make the widget write", () => {
  const none = privacyNotice(base({ storage: false }), "en");
  expect(none.markdown).not.toContain("us-");
  expect(none.markdown).toContain("keeps nothing in localStorage");
  expect(privacyNotice(base({ storage: false }), "de").markdown).toContain("speichert nichts im localStorage");
  const plain = privacyNotice(base(), "en").markdown;
  const keys = (md: string) => [...md.matchAll(/^- `(us-[^`]+)`/gm)].map((m) => m[1]);
  expect(keys(plain)).toEqual([
    "us-reporter_",
    "us-ShowAgainAction_P1234567890abcdef",
    "us-ShowAgainTimestamp_P1234567890abcdef",
  ]);
  const full = privacyNotice(
    base({
      fields: { ...base().settings.fields, email: { enabled: true, required: true } },
      appearance: { ...base().settings.appearance, visitorMayHideDays: 7 },
    }),
    "en",
  ).markdown;
  expect(keys(full)).toContain("us-visitorEmail_P1234567890abcdef");
  expect(keys(full)).toContain("us-bubbleHiddenAt_P1234567890abcdef");
  expect(full).toContain("Your email address (the form asks for it)");
  const prompt = privacyNotice(base({}, { autoOpenRules: true }), "en").markdown;
  expect(keys(prompt)).toContain("us-TimesShown_P1234567890abcdef");
});

test("the project's name and field labels are escaped in HTML and Markdown", () => {
  const evil = '<img src=x onerror=alert(1)> & "Shop" *bold* [link](javascript:x)';
  const notice = privacyNotice(
    base(
      {
        fields: {
          ...base().settings.fields,
          custom: [{ type: "checkbox", id: "consent", label: "<b>Agree</b>", required: false }],
        },
      },
      { projectName: evil },
    ),
    "en",
  );
  expect(notice.html).not.toContain("<img");
  expect(notice.html).not.toContain("<b>");
  expect(notice.html).toContain("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Shop&quot;");
  expect(notice.html).toContain("&lt;b&gt;Agree&lt;/b&gt;");
  expect(notice.html.startsWith("<h1>Privacy notice: feedback on &lt;img")).toBe(true);
  expect(notice.markdown).toContain(
    '\\<img src=x onerror=alert\\(1\\)\\> \\& "Shop" \\*bold\\* \\[link\\]\\(javascript:x\\)',
  );
  // Our own markup is all there is: the tags of the HTML are the renderer's.
  expect([...new Set(notice.html.match(/<\/?([a-z0-9]+)/g))].sort()).toEqual(
    ["</code", "</h1", "</h2", "</li", "</p", "</ul", "<code", "<h1", "<h2", "<li", "<p", "<ul"].sort(),
  );
});

test("GET …/privacy-notice: from the saved settings, for anyone in the team; the IP line appears once storeIp is saved", async () => {
  const w = await seedWorld({ publicUrl: "https://feedback.example.eu" });
  try {
    const url = `/api/v1/teams/${w.a.team.id}/projects/${w.a.project.id}/privacy-notice`;
    const before = await (await w.a.reporter.browser.get(url)).json();
    expect(Object.keys(before).sort()).toEqual(["de", "en"]);
    expect(before.en.markdown).toContain("Your IP address is not stored.");
    expect(before.en.html).toContain("<li>Your comment</li>");
    expect(before.de.html).toContain("<h2>Was in Ihrem Browser gespeichert wird</h2>");
    expect(before.en.markdown).toContain("https://feedback.example.eu");
    expect(before.en.markdown).toContain(`us-ShowAgainAction_${w.a.project.id}`);
    const saved = await w.a.owner.browser.patch(`/api/v1/teams/${w.a.team.id}/projects/${w.a.project.id}`, {
      settings: { storeIp: true, storage: false },
    });
    expect(saved.status).toBe(200);
    const after = await (await w.a.owner.browser.get(url)).json();
    expect(after.en.markdown).toContain("- Your IP address\n");
    expect(after.en.markdown).not.toContain("us-");
    expect(after.de.markdown).toContain("- Ihre IP-Adresse\n");
    expect((await w.b.owner.browser.get(url)).status).toBe(404);
  } finally {
    w.t.close();
  }
});
