import { useEffect, useState } from "preact/hooks";
import type { PublicProject } from "../../shared/teams.ts";
import { ApiError, api } from "../api.ts";
import { Badge, ConfirmButton, CopyButton, Dialog, EmptyState, problemText, Skeleton, toast } from "../components.tsx";
import { t } from "../i18n.ts";
import type { PageProps } from "../router.ts";
import { navigate } from "../router.ts";
import { handleLostSession, Shell, type Team } from "../shell.tsx";
import { TextControl } from "./project-controls.tsx";
import { Preview, RuleExplainer } from "./project-preview.tsx";
import { NoticeSection, RetentionSection } from "./project-privacy.tsx";
import {
  AppearanceSection,
  type BuiltInStrings,
  CaptureSection,
  DataSection,
  FieldsSection,
  type Label,
  OriginsSection,
  PrivacySection,
  RulesSection,
  type SectionProps,
  type Settings,
  StringsSection,
  WIDGET_LANGUAGES,
  type WidgetLanguage,
} from "./project-settings.tsx";

/** A project's page: installing its widget, its settings with a live preview, and its danger zone. */
export default function ProjectPage(props: PageProps) {
  return <Shell area="project">{(team) => <Project team={team} projectId={props.params.projectId ?? ""} />}</Shell>;
}

/** The embed snippet and the Content-Security-Policy directives a site needs for it. */
export function embedding(widgetKey: string, loupe = location.origin) {
  return {
    snippet: `<script async src="${loupe}/widget.js" data-project="${widgetKey}"></script>`,
    csp: `script-src ${loupe}; connect-src ${loupe}; img-src data: blob:`,
    tryUrl: `${loupe}/try/${widgetKey}`,
  };
}

const clone = <T,>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function Project(props: { team: Team; projectId: string }) {
  const { team, projectId } = props;
  const [project, setProject] = useState<PublicProject | undefined>(undefined);
  const [draft, setDraft] = useState<Settings | undefined>(undefined);
  const [labels, setLabels] = useState<Label[] | undefined>(undefined);
  const [missing, setMissing] = useState(false);
  const [lang, setLang] = useState<WidgetLanguage>(
    (WIDGET_LANGUAGES as readonly string[]).includes(navigator.language.slice(0, 2))
      ? (navigator.language.slice(0, 2) as WidgetLanguage)
      : "en",
  );
  const [builtIn, setBuiltIn] = useState<BuiltInStrings | undefined>(undefined);
  useEffect(() => {
    api<PublicProject>("GET", `/teams/${team.id}/projects/${projectId}`).then(
      (p) => {
        setProject(p);
        setDraft(clone(p.settings));
      },
      (error) => {
        handleLostSession(error);
        if (error instanceof ApiError && error.status === 404) setMissing(true);
      },
    );
    // Reporters may not read the team's labels: the category picker then shows how many it offers.
    if (team.role !== "reporter")
      api<{ labels: Label[] }>("GET", `/teams/${team.id}/labels`).then((a) => setLabels(a.labels), handleLostSession);
  }, [team.id, projectId]);

  if (missing)
    return (
      <main class="page">
        <h1>{t.projectMissing}</h1>
        <EmptyState>{t.projectMissingText}</EmptyState>
        <a
          href="/projects"
          onClick={(e) => {
            e.preventDefault();
            navigate("/projects");
          }}
        >
          {t.backToProjects}
        </a>
      </main>
    );
  if (!project || !draft)
    return (
      <main class="page">
        <Skeleton lines={6} />
      </main>
    );

  const owner = team.role === "owner";
  const member = owner || team.role === "member";
  const common: Omit<SectionProps, "editable"> = {
    teamId: team.id,
    project,
    draft,
    edit: (change) => setDraft((d) => (d ? change(d) : d)),
    onSaved: (updated, keys) => {
      setProject(updated);
      setDraft((d) => (d ? { ...d, ...Object.fromEntries(keys.map((k) => [k, clone(updated.settings[k])])) } : d));
    },
  };
  const sections: [string, string][] = [
    ["install", t.install],
    ["appearance", t.appearance],
    ["fields", t.formFields],
    ["rules", t.displayRules],
    ["capture", t.screenshots],
    ["privacy", t.privacy],
    ["data", t.dataCollected],
    ["retention", t.retentionTitle],
    ["notice", t.noticeTitle],
    ["origins", t.allowedWebsites],
    ["strings", t.texts],
    ["danger", t.dangerZone],
    ["preview", t.preview],
  ];
  return (
    <main class="project-page">
      <header class="project-head">
        <a
          class="crumb"
          href="/projects"
          onClick={(e) => {
            e.preventDefault();
            navigate("/projects");
          }}
        >
          {t.projects}
        </a>
        <Name team={team} project={project} editable={member} onSaved={setProject} />
      </header>
      <nav class="settings-nav" aria-label={t.projectSections}>
        {sections.map(([id, title]) => (
          <a key={id} class="section-link" href={`#${id}`}>
            {title}
          </a>
        ))}
      </nav>
      <div class="settings-body">
        <Install project={project} />
        <AppearanceSection {...common} editable={member} />
        <FieldsSection {...common} editable={member} labels={labels} />
        <RulesSection {...common} editable={member} explainer={<RuleExplainer draft={draft} />} />
        <CaptureSection {...common} editable={member} />
        <PrivacySection {...common} editable={owner} />
        <DataSection {...common} editable={owner} />
        <RetentionSection {...common} editable={owner} />
        <NoticeSection
          teamId={team.id}
          projectId={project.id}
          version={`${project.name}\n${JSON.stringify(project.settings)}`}
        />
        <OriginsSection {...common} editable={owner} />
        <StringsSection {...common} editable={member} lang={lang} onLang={setLang} builtIn={builtIn} />
        <Danger team={team} project={project} owner={owner} onRotated={setProject} />
      </div>
      <aside class="preview-column">
        <Preview draft={draft} labels={labels} lang={lang} onLang={setLang} onStrings={setBuiltIn} />
      </aside>
    </main>
  );
}

/** The project's name as the page's title, renamed in place. */
function Name(props: { team: Team; project: PublicProject; editable: boolean; onSaved: (p: PublicProject) => void }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(props.project.name);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  if (!editing)
    return (
      <div class="project-title">
        <h1>{props.project.name}</h1>
        {props.editable && (
          <button
            type="button"
            onClick={() => {
              setName(props.project.name);
              setError(undefined);
              setEditing(true);
            }}
          >
            {t.rename}
          </button>
        )}
      </div>
    );
  const message =
    error instanceof ApiError
      ? (error.problem.errors?.find((e) => e.field === "name")?.message ?? problemText(error))
      : undefined;
  return (
    <form
      class="rename"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(undefined);
        try {
          const updated = await api<PublicProject>("PATCH", `/teams/${props.team.id}/projects/${props.project.id}`, {
            name,
          });
          props.onSaved(updated);
          setEditing(false);
          toast(t.renamed.replace("{name}", updated.name));
        } catch (caught) {
          handleLostSession(caught);
          setError(caught);
        } finally {
          setBusy(false);
        }
      }}
    >
      <TextControl path="name" label={t.projectName} error={message} value={name} maxLength={100} onInput={setName} />
      <div class="actions">
        <button type="button" onClick={() => setEditing(false)}>
          {t.cancel}
        </button>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t.working : t.saveName}
        </button>
      </div>
    </form>
  );
}

/** The snippet, the CSP directives the site must add (each explained), and the try page. */
function Install(props: { project: PublicProject }) {
  const { snippet, csp, tryUrl } = embedding(props.project.widgetKey);
  const loupe = location.origin;
  return (
    <section class="panel settings" id="install" aria-labelledby="install-title">
      <header class="section-head">
        <h2 id="install-title">{t.install}</h2>
      </header>
      <p>{t.installIntro}</p>
      <div class="control">
        <div class="copy-row">
          <label for="snippet">{t.embedSnippet}</label>
          <CopyButton text={snippet} label={t.copySnippet} />
        </div>
        <textarea id="snippet" readOnly rows={2} value={snippet} />
      </div>
      <div class="control">
        <div class="copy-row">
          <label for="csp">{t.cspLines}</label>
          <CopyButton text={csp} label={t.copyCsp} />
        </div>
        <textarea id="csp" readOnly rows={2} value={csp} />
      </div>
      <dl class="facts csp-facts">
        <dt>
          <code>script-src {loupe}</code>
        </dt>
        <dd>{t.cspScript}</dd>
        <dt>
          <code>connect-src {loupe}</code>
        </dt>
        <dd>{t.cspConnect}</dd>
        <dt>
          <code>img-src data: blob:</code>
        </dt>
        <dd>{t.cspImg}</dd>
        <dt>
          <code>style-src</code>
        </dt>
        <dd>{t.cspStyle}</dd>
      </dl>
      <p class="hint">{t.cspNonce}</p>
      <p class="hint">{t.cspFonts}</p>
      <h3>{t.tryTitle}</h3>
      <p>{t.tryIntro}</p>
      <div class="actions start">
        <a class="button" href={tryUrl} target="_blank" rel="noopener noreferrer">
          {t.openTryPage}
        </a>
        <CopyButton text={tryUrl} label={t.copyTryLink} />
      </div>
    </section>
  );
}

/** Rotating the widget key and deleting the project: owners only, each confirmed naming what is lost. */
function Danger(props: { team: Team; project: PublicProject; owner: boolean; onRotated: (p: PublicProject) => void }) {
  const { team, project } = props;
  const [deleting, setDeleting] = useState(false);
  return (
    <section class="panel settings danger-zone" id="danger" aria-labelledby="danger-title">
      <header class="section-head">
        <h2 id="danger-title">{t.dangerZone}</h2>
        {!props.owner && <Badge>{t.readOnly}</Badge>}
      </header>
      {!props.owner && <p class="hint">{t.dangerOwnersOnly}</p>}
      <div class="danger-row">
        <div>
          <h3>{t.rotateKey}</h3>
          <p>{t.rotateKeyText}</p>
          <p class="hint">
            {t.currentKey} <code>{project.widgetKey}</code>
          </p>
        </div>
        {props.owner && (
          <ConfirmButton
            label={t.rotateKey}
            question={t.rotateQuestion.replace("{name}", project.name)}
            confirm={t.rotateConfirm}
            action={async () => {
              const updated = await api<PublicProject>("POST", `/teams/${team.id}/projects/${project.id}/widget-key`);
              props.onRotated(updated);
              toast(t.rotated);
            }}
          />
        )}
      </div>
      <div class="danger-row">
        <div>
          <h3>{t.deleteProject}</h3>
          <p>{t.deleteProjectText}</p>
        </div>
        {props.owner && (
          <button type="button" class="danger" onClick={() => setDeleting(true)}>
            {t.deleteProject}
          </button>
        )}
      </div>
      {deleting && <DeleteDialog team={team} project={project} onClose={() => setDeleting(false)} />}
    </section>
  );
}

/** Deleting needs the project's name typed: it says what is lost, and the kernel's rule (no feedback left). */
function DeleteDialog(props: { team: Team; project: PublicProject; onClose: () => void }) {
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const { project } = props;
  return (
    <Dialog title={t.deleteTitle.replace("{name}", project.name)} onClose={props.onClose}>
      <form
        class="dialog-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await api("DELETE", `/teams/${props.team.id}/projects/${project.id}`);
            toast(t.deleted.replace("{name}", project.name));
            navigate("/projects");
          } catch (caught) {
            handleLostSession(caught);
            setError(problemText(caught));
          } finally {
            setBusy(false);
          }
        }}
      >
        <p>{t.deleteQuestion}</p>
        <ul class="loss">
          <li>{t.deleteLossKey}</li>
          <li>{t.deleteLossSettings}</li>
          <li>{t.deleteLossTry}</li>
        </ul>
        <p class="hint">{t.deleteRule}</p>
        <TextControl
          path="confirm-name"
          label={t.typeName.replace("{name}", project.name)}
          value={typed}
          error={error}
          onInput={setTyped}
        />
        <div class="actions">
          <button type="button" onClick={props.onClose}>
            {t.cancel}
          </button>
          <button type="submit" class="danger" disabled={busy || typed.trim() !== project.name}>
            {busy ? t.working : t.deleteForever}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
