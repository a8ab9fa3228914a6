import { useEffect, useState } from "preact/hooks";
import type { PublicProject } from "../../shared/teams.ts";
import { ApiError, api } from "../api.ts";
import { Badge, EmptyState, Field, Form, Skeleton } from "../components.tsx";
import { t } from "../i18n.ts";
import { navigate } from "../router.ts";
import { handleLostSession, Shell, type Team } from "../shell.tsx";

/** Projects: one row per website or app, each opening its page; owners create new ones. */
export default function ProjectsPage() {
  return <Shell area="project">{(team) => <Projects team={team} />}</Shell>;
}

function Projects({ team }: { team: Team }) {
  const [projects, setProjects] = useState<PublicProject[] | undefined>(undefined);
  useEffect(() => {
    api<{ projects: PublicProject[] }>("GET", `/teams/${team.id}/projects`).then(
      (a) => setProjects(a.projects),
      handleLostSession,
    );
  }, [team.id]);
  const open = (p: PublicProject) => navigate(`/projects/${encodeURIComponent(p.id)}`);
  return (
    <main class="page">
      <h1>{t.projects}</h1>
      {projects === undefined && <Skeleton lines={3} />}
      {projects?.length === 0 && <EmptyState>{t.projectsEmpty}</EmptyState>}
      {projects && projects.length > 0 && (
        <ul class="project-list" aria-label={t.projects}>
          {projects.map((p) => (
            <li key={p.id}>
              <a
                class="project-link"
                href={`/projects/${encodeURIComponent(p.id)}`}
                onClick={(e) => {
                  e.preventDefault();
                  open(p);
                }}
              >
                <span class="project-name">{p.name}</span>
                <span class="row-meta">
                  {p.settings.allowedOrigins.length > 0
                    ? `${t.allowedSites}: ${p.settings.allowedOrigins.join(", ")}`
                    : t.onlyTryPage}
                </span>
              </a>
              <Badge tone={p.settings.allowedOrigins.length > 0 ? "good" : "neutral"}>
                {p.settings.allowedOrigins.length === 1
                  ? t.websiteOne
                  : t.websiteCount.replace("{n}", String(p.settings.allowedOrigins.length))}
              </Badge>
            </li>
          ))}
        </ul>
      )}
      {team.role === "owner" ? (
        <section class="panel" aria-labelledby="new-project">
          <h2 id="new-project">{t.newProject}</h2>
          <Form
            button={t.createProject}
            submit={async (f) => {
              const site = f.origin?.trim();
              const created = await api<PublicProject>("POST", `/teams/${team.id}/projects`, {
                name: f.name,
                ...(site ? { settings: { allowedOrigins: [site] } } : {}),
              });
              open(created);
            }}
          >
            {(error) => (
              <>
                <Field name="name" label={t.projectName} error={error} />
                <Field
                  name="origin"
                  label={t.siteOrigin}
                  hint={t.siteOriginOptional}
                  error={fieldErrorOf(error)}
                  required={false}
                />
              </>
            )}
          </Form>
        </section>
      ) : (
        <p class="hint">{t.ownersCreateProjects}</p>
      )}
    </main>
  );
}

/** The API names an origin as `settings.allowedOrigins.0`: shown beside the site field. */
const fieldErrorOf = (error: unknown) => {
  const hit =
    error instanceof ApiError && error.problem.errors?.find((e) => e.field.startsWith("settings.allowedOrigins"));
  return hit
    ? new ApiError(400, { code: error.problem.code, errors: [{ field: "origin", message: hit.message }] })
    : error;
};
