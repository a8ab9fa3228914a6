import { signal } from "@preact/signals";
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api } from "./api.ts";
import { Card, Field, Form, Toasts } from "./components.tsx";
import { t } from "./i18n.ts";
import { startLive, stopLive } from "./live.ts";
import { ReauthDialog } from "./reauth.tsx";
import { navigate, path } from "./router.ts";

export type Team = { id: string; name: string; role: "owner" | "member" | "reporter" | null };
export type Me = {
  id: string;
  email: string;
  displayName: string;
  isInstanceAdmin: boolean;
  mfaEnabled: boolean;
  hasPassword: boolean;
};

/** The team the user is working in; remembered in this browser (the admin UI's own origin). */
const TEAM_KEY = "loupe.admin.team";
export const currentTeamId = signal<string | null>(localStorage.getItem(TEAM_KEY));
export function chooseTeam(id: string): void {
  localStorage.setItem(TEAM_KEY, id);
  currentTeamId.value = id;
}

/** Sends a lost session to sign-in, and back here (path and query) afterwards. */
export function toSignIn(): void {
  if (location.pathname === "/sign-in") return;
  navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
}

/** Any API failure on a signed-in page: a 401 means the session is gone. */
export function handleLostSession(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) toSignIn();
}

/**
 * The signed-in frame: the bar with the team switcher, the sections (the instance section only for
 * instance admins) and signing out. A lost session goes to sign-in and back here; with no team yet, it
 * offers to create one.
 */
export function Shell(props: {
  children: (team: Team, me: Me, teams: Team[]) => ComponentChildren;
  teamless?: boolean;
  /** The page's area: its part of the stylesheet is scoped to it (`@scope (.area-…)` in styles.css). */
  area?: string;
}) {
  const [teams, setTeams] = useState<Team[] | undefined>(undefined);
  const [me, setMe] = useState<Me | undefined>(undefined);
  const load = () =>
    Promise.all([api<{ teams: Team[] }>("GET", "/teams"), api<{ user: Me }>("GET", "/me")]).then(([answer, who]) => {
      setTeams(answer.teams);
      setMe(who.user);
    }, handleLostSession);
  useEffect(() => {
    load();
  }, []);
  // The tab's one live-update stream (src/admin-ui/live.ts), once signed in; it survives page changes.
  const shownTeam = useRef<string | null>(null);
  useEffect(() => {
    if (me) startLive({ lost: toSignIn, teamId: () => shownTeam.current });
  }, [me]);
  if (!teams || !me) return <div class="skeleton page-loading" aria-busy="true" />;
  const team = teams.find((candidate) => candidate.id === currentTeamId.value) ?? teams[0];
  shownTeam.current = team?.id ?? null;
  if (!team && !props.teamless)
    return (
      <Card title={t.createTeamTitle}>
        <p>{t.createTeamIntro}</p>
        <Form
          button={t.createTeam}
          submit={async (f) => {
            const created = await api<Team>("POST", "/teams", { name: f.name });
            chooseTeam(created.id);
            await load();
          }}
        >
          {(error) => <Field name="name" label={t.teamName} error={error} />}
        </Form>
      </Card>
    );
  const link = (to: string, label: string) => (
    <a
      href={to}
      aria-current={path.value === to || (to !== "/" && path.value.startsWith(`${to}/`)) ? "page" : undefined}
      onClick={(e) => {
        e.preventDefault();
        navigate(to);
      }}
    >
      {label}
    </a>
  );
  return (
    <div class="shell">
      <header class="bar">
        <span class="brand">Loupe</span>
        {team && teams.length > 1 ? (
          <select
            class="team-switch"
            aria-label={t.team}
            value={team.id}
            onChange={(e) => chooseTeam((e.currentTarget as HTMLSelectElement).value)}
          >
            {teams.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        ) : (
          <span class="team-name">{team?.name ?? ""}</span>
        )}
        <nav aria-label={t.sections}>
          {link("/", t.inbox)}
          {link("/projects", t.projects)}
          {team && team.role !== "reporter" && link("/team", t.teamSection)}
          {link("/account", t.account)}
          {me.isInstanceAdmin && link("/instance", t.instance)}
        </nav>
        <button
          type="button"
          title={t.signedInAs.replace("{name}", me.email)}
          onClick={async () => {
            stopLive();
            await api("POST", "/auth/logout").catch(() => undefined);
            navigate("/sign-in");
          }}
        >
          {t.signOut}
        </button>
      </header>
      {/* Keyed by team: switching teams starts every page afresh. */}
      <div class={`shell-body${props.area ? ` area-${props.area}` : ""}`} key={team?.id}>
        {props.children(team ?? { id: "", name: "", role: null }, me, teams)}
      </div>
      <Toasts />
      <ReauthDialog />
    </div>
  );
}
