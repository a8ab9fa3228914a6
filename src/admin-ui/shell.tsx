import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "./api.ts";
import { Card, Field, Form } from "./components.tsx";
import { t } from "./i18n.ts";
import { navigate, path } from "./router.ts";

export type Team = { id: string; name: string; role: "owner" | "member" | "reporter" | null };

/**
 * The signed-in frame: the bar with the team, the sections and signing out. Loads the user's teams
 * (a lost session goes to sign-in and back here); with no team yet, offers to create one.
 */
export function Shell(props: { children: (team: Team) => ComponentChildren }) {
  const [teams, setTeams] = useState<Team[] | undefined>(undefined);
  const load = () =>
    api<{ teams: Team[] }>("GET", "/teams").then(
      (answer) => setTeams(answer.teams),
      (error) => {
        if (error instanceof ApiError && error.status === 401)
          navigate(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
      },
    );
  useEffect(() => {
    load();
  }, []);
  if (!teams) return null;
  const team = teams[0];
  if (!team)
    return (
      <Card title={t.createTeamTitle}>
        <p>{t.createTeamIntro}</p>
        <Form
          button={t.createTeam}
          submit={async (f) => {
            await api("POST", "/teams", { name: f.name });
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
      aria-current={path.value === to ? "page" : undefined}
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
        <span>{team.name}</span>
        <nav aria-label={t.sections}>
          {link("/", t.inbox)}
          {link("/projects", t.projects)}
        </nav>
        <button
          type="button"
          onClick={async () => {
            await api("POST", "/auth/logout");
            navigate("/sign-in");
          }}
        >
          {t.signOut}
        </button>
      </header>
      {props.children(team)}
    </div>
  );
}
