import { ZipWriter } from "../../lib/zip.ts";
import { normalizeEmail } from "../../shared/email.ts";
import type { SubjectErase, SubjectFind } from "../../shared/privacy.ts";
import {
  hardDeleteItems,
  type ReporterIdentityRow,
  screenshotBytes,
  subjectItems,
  subjectMessages,
  subjectScreenshots,
  teamReporterIdentities,
} from "../../store/privacy.ts";
import { appendAudit } from "../audit/audit.ts";
import type { ServiceContext } from "../context.ts";
import { publishAfterCommit } from "../live/bus.ts";
import type { TeamAccess } from "../teams/access.ts";
import { appendErasure, identifierHash } from "./erasure-log.ts";

/** Who a request is about: a normalized email address and/or a widget reporter id. */
export type Subject = { email?: string | undefined; reporterId?: string | undefined };
type MatchKind = SubjectFind["items"][number]["matchedBy"][number];

/** How a reporter identity matches the subject (empty: it does not). */
function matchOf(row: Pick<ReporterIdentityRow, "reporter_email" | "reporter_anon_id" | "account_email">, s: Subject) {
  const kinds: MatchKind[] = [];
  if (s.email !== undefined && row.reporter_email !== null && normalizeEmail(row.reporter_email) === s.email)
    kinds.push("email");
  if (s.reporterId !== undefined && row.reporter_anon_id === s.reporterId) kinds.push("reporterId");
  if (s.email !== undefined && row.account_email !== null && normalizeEmail(row.account_email) === s.email)
    kinds.push("account");
  return kinds;
}

/** The subject's items in the team (the trash included), each with how it matched. */
function matchedItems(ctx: ServiceContext, teamId: string, subject: Subject): Map<string, MatchKind[]> {
  const out = new Map<string, MatchKind[]>();
  for (const row of teamReporterIdentities(ctx.db, teamId)) {
    const kinds = matchOf(row, subject);
    if (kinds.length > 0) out.set(row.id, kinds);
  }
  return out;
}

/**
 * Everything the team holds about a data subject: the items that carry their email, their widget
 * reporter id, or were sent from their account — across the team's projects, the trash included —
 * with screenshots and messages counted, and the other identifiers those items carry.
 */
export function findDataSubject(ctx: ServiceContext, input: { access: TeamAccess; subject: Subject }): SubjectFind {
  const teamId = input.access.team.id;
  const matched = matchedItems(ctx, teamId, input.subject);
  const ids = [...matched.keys()];
  const rows = subjectItems(ctx.db, teamId, ids);
  const shots = new Set(subjectScreenshots(ctx.db, teamId, ids).map((s) => s.item_id));
  const messages = new Map<string, number>();
  for (const m of subjectMessages(ctx.db, teamId, ids)) messages.set(m.item_id, (messages.get(m.item_id) ?? 0) + 1);
  const items = rows
    .map((r) => ({
      id: r.id,
      projectId: r.project_id,
      projectName: r.project_name,
      title: r.title,
      comment: r.comment,
      reporterEmail: r.reporter_email,
      reporterId: r.reporter_anon_id,
      hasScreenshot: shots.has(r.id),
      messages: messages.get(r.id) ?? 0,
      inTrash: r.deleted_at !== null,
      matchedBy: matched.get(r.id) ?? [],
      createdAt: new Date(r.created_at).toISOString(),
    }))
    .reverse();
  const distinct = (values: (string | null)[]) => [...new Set(values.filter((x): x is string => x !== null))].sort();
  return {
    items,
    reporterIds: distinct(rows.map((r) => r.reporter_anon_id)),
    emails: distinct(rows.map((r) => (r.reporter_email === null ? null : normalizeEmail(r.reporter_email)))),
    counts: {
      items: items.length,
      screenshots: shots.size,
      messages: [...messages.values()].reduce((a, b) => a + b, 0),
    },
  };
}

const EXTENSIONS: Record<string, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp" };

const README = `This archive holds what the team named in subject.json keeps about you in Loupe:
every feedback item you sent (with the page address, the browser details and any custom data sent
with it), your messages with the team and the team's replies, and each screenshot as an image file
(screenshots/<item id>.<png|jpg|webp>; drawings on it are listed as "annotations" in subject.json).
Dates are in UTC (ISO 8601).
`;

/**
 * The subject's data as one ZIP archive, streamed: subject.json (items with their messages and
 * screenshot descriptions), README.txt, and each screenshot as its own file, read from the database
 * one at a time as the client takes the bytes (memory does not grow with the number of screenshots,
 * and no step holds the event loop for more than one image). Recorded in the audit trail (counts only).
 */
export function exportDataSubject(
  ctx: ServiceContext,
  input: { access: TeamAccess; subject: Subject },
): { stream: ReadableStream<Uint8Array>; filename: string } {
  const { access, subject } = input;
  const teamId = access.team.id;
  const matched = matchedItems(ctx, teamId, subject);
  const ids = [...matched.keys()];
  const rows = subjectItems(ctx.db, teamId, ids);
  const shots = new Map(subjectScreenshots(ctx.db, teamId, ids).map((s) => [s.item_id, s]));
  const messages = subjectMessages(ctx.db, teamId, ids);
  const now = new Date(ctx.clock.now());
  const document = {
    format: "loupe-data-subject-export",
    version: 1,
    exportedAt: now.toISOString(),
    team: { id: teamId, name: access.team.name },
    subject: { email: subject.email ?? null, reporterId: subject.reporterId ?? null },
    items: rows.map((r) => {
      const shot = shots.get(r.id);
      return {
        id: r.id,
        project: { id: r.project_id, name: r.project_name },
        createdAt: new Date(r.created_at).toISOString(),
        updatedAt: new Date(r.updated_at).toISOString(),
        status: r.status,
        inTrash: r.deleted_at !== null,
        title: r.title,
        comment: r.comment,
        rating: r.rating_scale && r.rating_value !== null ? { scale: r.rating_scale, value: r.rating_value } : null,
        reporter: { email: r.reporter_email, reporterId: r.reporter_anon_id, ip: r.reporter_ip },
        pageUrl: r.page_url,
        metadata: JSON.parse(r.metadata) as unknown,
        customData: JSON.parse(r.custom_data) as unknown,
        matchedBy: matched.get(r.id) ?? [],
        messages: messages
          .filter((m) => m.item_id === r.id)
          .map((m) => ({
            from: m.author_id !== null && m.author_id === r.reporter_user_id ? "you" : "team",
            body: m.body,
            createdAt: new Date(m.created_at).toISOString(),
          })),
        screenshot: shot
          ? {
              file: `screenshots/${r.id}.${EXTENSIONS[shot.content_type] ?? "bin"}`,
              contentType: shot.content_type,
              width: shot.width,
              height: shot.height,
              annotations: JSON.parse(shot.annotations) as unknown,
            }
          : null,
      };
    }),
  };
  ctx.db.write(() =>
    appendAudit(ctx, {
      action: "data_subject.exported",
      actorId: access.userId,
      targetId: teamId,
      teamId,
      detail: { items: rows.length, screenshots: shots.size, messages: messages.length },
    }),
  );
  const zip = new ZipWriter(now);
  const pending = [...shots.values()];
  let started = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(zip.file("README.txt", Buffer.from(README, "utf8")));
        controller.enqueue(zip.file("subject.json", Buffer.from(`${JSON.stringify(document, null, 2)}\n`, "utf8")));
        return;
      }
      const shot = pending.shift();
      if (!shot) {
        controller.enqueue(zip.finish());
        controller.close();
        return;
      }
      // Erased or purged since the listing: left out (subject.json still describes it).
      const bytes = screenshotBytes(ctx.db, teamId, shot.item_id);
      if (bytes)
        controller.enqueue(zip.file(`screenshots/${shot.item_id}.${EXTENSIONS[shot.content_type] ?? "bin"}`, bytes));
    },
  });
  return { stream, filename: `loupe-data-subject-${now.toISOString().slice(0, 10)}.zip` };
}

/** The identifiers of a subject as erasure-log hashes (the team's, so another team's data is untouched). */
function subjectHashes(ctx: ServiceContext, teamId: string, subject: Subject): string[] {
  const hashes: string[] = [];
  if (subject.email !== undefined) hashes.push(identifierHash(ctx.keyring, teamId, "email", subject.email));
  if (subject.reporterId !== undefined)
    hashes.push(identifierHash(ctx.keyring, teamId, "reporter", subject.reporterId));
  return hashes;
}

/**
 * GDPR erasure: the subject's items — with their screenshots, messages, internal comments, labels,
 * search entries and the identifiers on them — deleted for good at once (not through the trash).
 * The erasure log gets the keyed hashes first, so a restore of an older database re-applies it. The
 * audit trail records that an erasure happened and its counts, never whose.
 */
export function eraseDataSubject(ctx: ServiceContext, input: { access: TeamAccess; subject: Subject }): SubjectErase {
  const { access, subject } = input;
  const teamId = access.team.id;
  appendErasure(ctx, subjectHashes(ctx, teamId, subject));
  const erased = ctx.db.write(() => {
    // Matched inside the write lock: an item that arrives meanwhile is either erased or created after.
    const ids = [...matchedItems(ctx, teamId, subject).keys()];
    const counts = hardDeleteItems(ctx.db, ids);
    appendAudit(ctx, { action: "data.erased", actorId: access.userId, targetId: teamId, teamId, detail: counts });
    for (const itemId of ids) publishAfterCommit(ctx, { type: "feedback.updated", teamId, itemId });
    return counts;
  });
  // Old page versions leave the WAL now rather than at the next automatic checkpoint.
  try {
    ctx.db.checkpoint();
  } catch {
    // A reader holds the WAL: the next checkpoint moves the zeroed pages in.
  }
  return { erased };
}

/**
 * Re-applies the erasure log (daily retention, and after every restore): deletes any item of the
 * instance whose reporter email, reporter id or account email hashes to a logged identifier of its
 * team, when it was created at or before that erasure (the same person may write again later).
 */
export function reapplyErasures(
  ctx: ServiceContext,
  entries: { at: number; hashes: string[] }[],
  rows: ReporterIdentityRow[],
): string[] {
  if (entries.length === 0) return [];
  const erasedAt = new Map<string, number>();
  for (const e of entries) for (const h of e.hashes) erasedAt.set(h, Math.max(erasedAt.get(h) ?? 0, e.at));
  // One hash per distinct reporter (most send more than one item).
  const hashes = new Map<string, string>();
  const hit = (row: ReporterIdentityRow, kind: "email" | "reporter", value: string | null) => {
    if (value === null) return false;
    const normalized = kind === "email" ? normalizeEmail(value) : value;
    const key = `${row.team_id}\n${kind}\n${normalized}`;
    let hash = hashes.get(key);
    if (hash === undefined) {
      hash = identifierHash(ctx.keyring, row.team_id, kind, normalized);
      hashes.set(key, hash);
    }
    const at = erasedAt.get(hash);
    return at !== undefined && row.created_at <= at;
  };
  return rows
    .filter(
      (row) =>
        hit(row, "email", row.reporter_email) ||
        hit(row, "reporter", row.reporter_anon_id) ||
        hit(row, "email", row.account_email),
    )
    .map((row) => row.id);
}
