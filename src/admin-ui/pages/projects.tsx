import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "../api.ts";
import { Field, Form } from "../components.tsx";
import { t } from "../i18n.ts";
import { Shell, type Team } from "../shell.tsx";

type Project = { id: string; name: string; widgetKey: string; settings: { allowedOrigins: string[] } };

/** Projects: create one for a site, and get its embed snippet with the CSP lines the site must add. */
export default function ProjectsPage() {
  return <Shell>{(team) => <Projects team={team} />}</Shell>;
}

function Projects({ team }: { team: Team }) {
  const [projects, setProjects] = useState<Project[] | undefined>(undefined);
  const load = () =>
    api<{ projects: Project[] }>("GET", `/teams/${team.id}/projects`).then((a) => setProjects(a.projects));
  useEffect(() => {
    load();
  }, [team.id]);
  return (
    <main class="page">
      <h1>{t.projects}</h1>
      {projects?.length === 0 && <p class="empty">{t.projectsEmpty}</p>}
      {projects?.map((project) => (
        <ProjectCard key={project.id} project={project} />
      ))}
      {team.role === "owner" || team.role === "member" ? (
        <section class="panel" aria-labelledby="new-project">
          <h2 id="new-project">{t.newProject}</h2>
          <Form
            button={t.createProject}
            submit={async (f) => {
              const site = f.origin?.trim();
              await api("POST", `/teams/${team.id}/projects`, {
                name: f.name,
                // Which site may send feedback is the owners' to say (members leave it empty).
                ...(site ? { settings: { allowedOrigins: [site] } } : {}),
              });
              await load();
            }}
          >
            {(error) => (
              <>
                <Field name="name" label={t.projectName} error={error} />
                {team.role === "owner" && (
                  <Field name="origin" label={t.siteOrigin} hint={t.siteOriginHint} error={fieldErrorOf(error)} />
                )}
              </>
            )}
          </Form>
        </section>
      ) : null}
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

function ProjectCard({ project }: { project: Project }) {
  const loupe = location.origin;
  const snippet = `<script async src="${loupe}/widget.js" data-project="${project.widgetKey}"></script>`;
  const csp = `script-src ${loupe}; connect-src ${loupe}; img-src data: blob:`;
  const [copied, setCopied] = useState<string | undefined>(undefined);
  const copy = async (what: string, text: string) => {
    await navigator.clipboard.writeText(text);
    setCopied(what);
  };
  return (
    <section class="panel" aria-labelledby={`project-${project.id}`}>
      <h2 id={`project-${project.id}`}>{project.name}</h2>
      <p>
        {project.settings.allowedOrigins.length > 0
          ? `${t.allowedSites}: ${project.settings.allowedOrigins.join(", ")}`
          : t.noAllowedSites}
      </p>
      <label>
        {t.embedSnippet}
        <textarea readOnly rows={3} value={snippet} />
      </label>
      <button type="button" onClick={() => copy("snippet", snippet)}>
        {copied === "snippet" ? t.copied : t.copySnippet}
      </button>
      <label>
        {t.cspLines}
        <textarea readOnly rows={2} value={csp} />
      </label>
      <button type="button" onClick={() => copy("csp", csp)}>
        {copied === "csp" ? t.copied : t.copyCsp}
      </button>
    </section>
  );
}
