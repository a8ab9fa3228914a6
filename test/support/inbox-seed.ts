/**
 * A team's inbox at volume (bench/ui.ts, the list query tests): `n` items written through the store in bulk (10,000 per
 * transaction: the same rows and search entries the service writes, without an audit entry each),
 * spread the way a real inbox is — most items new, a few projects of very different sizes, a third
 * unassigned, ratings on some, screenshots on a fifth, a common and a rare label, 1 % in the trash.
 */
import { randomId } from "../../src/lib/crypto.ts";
import { insertFeedback, insertScreenshot, setFeedbackLabels } from "../../src/store/feedback.ts";
import { insertLabel, insertProject } from "../../src/store/projects.ts";
import type { TestContext } from "./test-app.ts";

export const SEED_WORDS = [
  "checkout",
  "login",
  "footer",
  "search",
  "button",
  "image",
  "slow",
  "crash",
  "typo",
  "layout",
  "mobile",
  "safari",
  "dark",
  "menu",
  "cart",
];

/** 1×1 WebP: a real image, so the screenshot rows look like the service's. */
const TINY_WEBP = Uint8Array.from(Buffer.from("UklGRiIAAABXRUJQVlA4IBYAAAAwAQCdASoBAAEADsD+JaQAA3AAAAAA", "base64"));

export type SeededInbox = {
  projects: { big: string; small: string; rare: string };
  labels: { common: string; rare: string };
  /** Ids in creation order (oldest first). */
  ids: string[];
};

export function seedInbox(
  t: TestContext,
  input: { teamId: string; projectId: string; memberId: string; ownerId: string; reporterId: string; n: number },
): SeededInbox {
  const db = t.store.db;
  const now = t.clock.now();
  const project = (name: string) => {
    const id = randomId();
    db.write(() =>
      insertProject(db, {
        id,
        team_id: input.teamId,
        name,
        widget_key: `wk_${randomId()}`,
        settings: "{}",
        created_at: now,
        updated_at: now,
      }),
    );
    return id;
  };
  const label = (name: string, color: string) => {
    const id = randomId();
    db.write(() => insertLabel(db, { id, team_id: input.teamId, name, color, created_at: now }));
    return id;
  };
  const projects = { big: input.projectId, small: project("Docs"), rare: project("Legacy admin") };
  const labels = { common: label("ux", "#8250df"), rare: label("security", "#cf222e") };
  const statuses = ["new", "new", "new", "new", "new", "new", "in_progress", "done", "done", "closed"] as const;
  const ids: string[] = [];
  // A year of feedback, oldest first, a few minutes apart — three at a time share a millisecond, so
  // the orders' tie on the id is exercised.
  const step = Math.floor((3 * 365 * 86_400_000) / input.n);
  const start = now - Math.ceil(input.n / 3) * step;
  for (let chunk = 0; chunk < input.n; chunk += 10_000) {
    db.write(() => {
      for (let i = chunk; i < Math.min(chunk + 10_000, input.n); i++) {
        const id = randomId();
        const word = SEED_WORDS[i % SEED_WORDS.length]!;
        const projectId = i % 100 === 7 ? projects.rare : i % 10 < 3 ? projects.small : projects.big;
        const rated = i % 5 < 2;
        insertFeedback(db, {
          id,
          team_id: input.teamId,
          project_id: projectId,
          reporter_user_id: i % 20 === 0 ? input.reporterId : null,
          reporter_anon_id: i % 20 === 0 ? null : `us-reporter_${i % 5000}`,
          reporter_email: i % 3 === 0 ? `visitor${i % 5000}@example.eu` : null,
          reporter_ip: null,
          title: `${word} issue ${i}`,
          comment: `The ${word} does not work on page ${i} (unique${i}). Steps: open, click, wait.`,
          rating_value: rated ? (Math.floor(i / 5) % 5) + 1 : null,
          rating_scale: rated ? "stars" : null,
          page_url: `https://shop.example.eu/${word}/${i % 300}`,
          metadata: JSON.stringify({ browser: "Firefox 140", os: "Linux", viewport: { width: 1440, height: 900 } }),
          custom_data: "{}",
          status: statuses[i % statuses.length]!,
          assignee_user_id: i % 3 === 0 ? null : i % 3 === 1 ? input.memberId : i % 50 === 2 ? input.ownerId : null,
          version: 1,
          created_at: start + Math.floor(i / 3) * step,
          updated_at: start + Math.floor(i / 3) * step,
          deleted_at: i % 97 === 5 ? now : null,
        });
        if (i % 5 === 0)
          insertScreenshot(db, {
            itemId: id,
            teamId: input.teamId,
            contentType: "image/webp",
            width: 1,
            height: 1,
            annotations: "[]",
            bytes: TINY_WEBP,
          });
        const itemLabels = [...(i % 4 === 0 ? [labels.common] : []), ...(i % 500 === 3 ? [labels.rare] : [])];
        if (itemLabels.length > 0) setFeedbackLabels(db, input.teamId, id, itemLabels);
        ids.push(id);
      }
    });
  }
  return { projects, labels, ids };
}
