import { getPublicSuffix } from "tldts";
import * as v from "valibot";
import { AppError, invalidField } from "../lib/app-error.ts";
import { randomId } from "../lib/crypto.ts";
import { OriginPatternSchema } from "../shared/origins.ts";
import type { PublicLabel, PublicProject } from "../shared/teams.ts";
import {
  PRIVACY_SETTINGS,
  type WidgetSettings,
  type WidgetSettingsChange,
  WidgetSettingsSchema,
} from "../shared/widget-settings.ts";
import { countProjectItems } from "../store/feedback.ts";
import * as projectRows from "../store/projects.ts";
import {
  findLabelByName,
  findProject,
  insertLabel,
  insertProject,
  type LabelRow,
  type ProjectRow,
  setWidgetKey,
} from "../store/projects.ts";
import { appendAudit } from "./audit/audit.ts";
import type { ServiceContext } from "./context.ts";
import { notFound } from "./errors.ts";
import type { TeamAccess } from "./teams/access.ts";

/** A project's widget settings, complete (defaults filled in): stored rows predate some fields. */
export function projectSettings(p: Pick<ProjectRow, "settings">): WidgetSettings {
  const stored = JSON.parse(p.settings) as Record<string, unknown>;
  const parsed = v.safeParse(WidgetSettingsSchema, stored);
  if (parsed.success) return parsed.output;
  // Saved under older, looser rules: keep what is valid today (an origin that is not is dropped, so it
  // allows nothing), and the defaults for the rest.
  const origins = Array.isArray(stored.allowedOrigins) ? stored.allowedOrigins : [];
  const allowedOrigins = origins.flatMap((o) => {
    const origin = v.safeParse(OriginPatternSchema, o);
    return origin.success ? [origin.output] : [];
  });
  const sections = Object.fromEntries(
    Object.entries(stored).filter(([key, value]) => {
      const entry = WidgetSettingsSchema.entries[key as keyof WidgetSettings];
      return entry !== undefined && key !== "allowedOrigins" && v.safeParse(entry, value).success;
    }),
  );
  return v.parse(WidgetSettingsSchema, { ...sections, allowedOrigins });
}

/** Complete, checked settings from what is given (a section left out gets its defaults). */
function settingsOf(input: WidgetSettingsChange): WidgetSettings {
  const settings = v.parse(WidgetSettingsSchema, input);
  assertOwnableOrigins(settings);
  return settings;
}

/**
 * A wildcard origin must name a domain someone owns: `https://*.co.uk` or `https://*.github.io` would
 * let every site under a public suffix (the Public Suffix List, its private part included) submit.
 */
function assertOwnableOrigins(settings: WidgetSettings): void {
  for (const [index, pattern] of settings.allowedOrigins.entries()) {
    const domain = /^https:\/\/\*\.([^:/]+)/.exec(pattern)?.[1];
    if (domain && getPublicSuffix(domain, { allowPrivateDomains: true }) === domain) {
      throw invalidField(
        `settings.allowedOrigins.${index}`,
        "A wildcard must cover a domain of yours, not a public suffix such as co.uk or github.io.",
      );
    }
  }
}

/** A project (one website or app) with its public widget key: 256 random bits, not a secret but unguessable. */
function toPublicProject(p: ProjectRow): PublicProject {
  return {
    id: p.id,
    name: p.name,
    widgetKey: p.widget_key,
    settings: projectSettings(p),
    createdAt: new Date(p.created_at).toISOString(),
    updatedAt: new Date(p.updated_at).toISOString(),
  };
}

const newWidgetKey = () => `lpk_${randomId(32)}`;

export function listProjects(ctx: ServiceContext, access: TeamAccess): PublicProject[] {
  return projectRows.listProjects(ctx.db, access.team.id).map(toPublicProject);
}

export function getProject(ctx: ServiceContext, input: { access: TeamAccess; projectId: string }): PublicProject {
  const { access, projectId } = input;
  const p = findProject(ctx.db, access.team.id, projectId);
  if (!p) throw notFound("No such project.");
  return toPublicProject(p);
}

export function createProject(
  ctx: ServiceContext,
  input: { access: TeamAccess; fields: { name: string; settings?: WidgetSettingsChange | undefined } },
): PublicProject {
  const { access, fields } = input;
  const now = ctx.clock.now();
  const row: ProjectRow = {
    id: randomId(),
    team_id: access.team.id,
    name: fields.name,
    widget_key: newWidgetKey(),
    settings: JSON.stringify(settingsOf(fields.settings ?? {})),
    created_at: now,
    updated_at: now,
  };
  ctx.db.write(() => {
    insertProject(ctx.db, row);
    appendAudit(ctx, { action: "project.created", actorId: access.userId, targetId: row.id, teamId: access.team.id });
  });
  return toPublicProject(row);
}

export function updateProject(
  ctx: ServiceContext,
  input: {
    access: TeamAccess;
    projectId: string;
    changes: { name?: string | undefined; settings?: WidgetSettingsChange | undefined };
  },
): PublicProject {
  const { access, projectId, changes } = input;
  const current = getProject(ctx, { access, projectId });
  const settings = settingsOf({ ...current.settings, ...changes.settings });
  // Who may submit and what is collected are privacy decisions: the owners', like access control.
  const privacyChanged = PRIVACY_SETTINGS.filter(
    (key) => JSON.stringify(settings[key]) !== JSON.stringify(current.settings[key]),
  );
  if (privacyChanged.length > 0 && access.role !== "owner") {
    throw new AppError("FORBIDDEN", `Only the team's owners may change ${privacyChanged.join(", ")}.`);
  }
  ctx.db.write(() => {
    projectRows.updateProject(
      ctx.db,
      access.team.id,
      projectId,
      changes.name ?? current.name,
      JSON.stringify(settings),
      ctx.clock.now(),
    );
    appendAudit(ctx, {
      action: privacyChanged.length > 0 ? "project.privacy_changed" : "project.updated",
      actorId: access.userId,
      targetId: projectId,
      teamId: access.team.id,
    });
  });
  return getProject(ctx, { access, projectId });
}

/** A new widget key; the old one stops working at once. */
export function rotateWidgetKey(ctx: ServiceContext, input: { access: TeamAccess; projectId: string }): PublicProject {
  const { access, projectId } = input;
  ctx.db.write(() => {
    if (setWidgetKey(ctx.db, access.team.id, projectId, newWidgetKey(), ctx.clock.now()) === 0)
      throw notFound("No such project.");
    appendAudit(ctx, {
      action: "project.key_rotated",
      actorId: access.userId,
      targetId: projectId,
      teamId: access.team.id,
    });
  });
  return getProject(ctx, { access, projectId });
}

/** Deletes an empty project (its feedback must be deleted first, which goes through the 30-day trash). */
export function deleteProject(ctx: ServiceContext, input: { access: TeamAccess; projectId: string }): void {
  const { access, projectId } = input;
  ctx.db.write(() => {
    if (!findProject(ctx.db, access.team.id, projectId)) throw notFound("No such project.");
    if (countProjectItems(ctx.db, access.team.id, projectId) > 0) {
      throw new AppError(
        "PROJECT_NOT_EMPTY",
        "Delete the project's feedback first (deleted items are purged from the trash after 30 days).",
      );
    }
    projectRows.deleteProject(ctx.db, access.team.id, projectId);
    appendAudit(ctx, {
      action: "project.deleted",
      actorId: access.userId,
      targetId: projectId,
      teamId: access.team.id,
    });
  });
}

const toPublicLabel = (l: LabelRow): PublicLabel => ({ id: l.id, name: l.name, color: l.color });

export function listLabels(ctx: ServiceContext, access: TeamAccess): PublicLabel[] {
  return projectRows.listLabels(ctx.db, access.team.id).map(toPublicLabel);
}

export function createLabel(
  ctx: ServiceContext,
  input: { access: TeamAccess; fields: { name: string; color: string } },
): PublicLabel {
  const { access, fields } = input;
  const row: LabelRow = {
    id: randomId(),
    team_id: access.team.id,
    name: fields.name,
    color: fields.color,
    created_at: ctx.clock.now(),
  };
  ctx.db.write(() => {
    if (findLabelByName(ctx.db, access.team.id, fields.name))
      throw new AppError("LABEL_EXISTS", "A label with this name exists.", {
        fields: [{ field: "name", message: "Already in use." }],
      });
    insertLabel(ctx.db, row);
    appendAudit(ctx, { action: "label.created", actorId: access.userId, targetId: row.id, teamId: access.team.id });
  });
  return toPublicLabel(row);
}

/** Renames or recolours a label; a name another label has is refused (LABEL_EXISTS). */
export function updateLabel(
  ctx: ServiceContext,
  input: { access: TeamAccess; labelId: string; changes: { name?: string; color?: string } },
): PublicLabel {
  const { access, labelId, changes } = input;
  const teamId = access.team.id;
  return ctx.db.write(() => {
    const label = projectRows.findLabel(ctx.db, teamId, labelId);
    if (!label) throw notFound("No such label.");
    const next = { ...label, name: changes.name ?? label.name, color: changes.color ?? label.color };
    const clash = findLabelByName(ctx.db, teamId, next.name);
    if (clash && clash.id !== labelId)
      throw new AppError("LABEL_EXISTS", "A label with this name exists.", {
        fields: [{ field: "name", message: "Already in use." }],
      });
    if (next.name !== label.name || next.color !== label.color) {
      projectRows.updateLabel(ctx.db, teamId, labelId, next.name, next.color);
      appendAudit(ctx, { action: "label.updated", actorId: access.userId, targetId: labelId, teamId });
    }
    return toPublicLabel(next);
  });
}

export function deleteLabel(ctx: ServiceContext, input: { access: TeamAccess; labelId: string }): void {
  const { access, labelId } = input;
  ctx.db.write(() => {
    if (projectRows.deleteLabel(ctx.db, access.team.id, labelId) === 0) throw notFound("No such label.");
    appendAudit(ctx, { action: "label.deleted", actorId: access.userId, targetId: labelId, teamId: access.team.id });
  });
}

export type { PublicLabel, PublicProject };
