import { useEffect, useState } from "preact/hooks";
import { api } from "../../api.ts";
import { Badge, Skeleton, toast } from "../../components.tsx";
import { t } from "../../i18n.ts";
import { navigate } from "../../router.ts";
import { handleLostSession } from "../../shell.tsx";
import { ActionButton, Labeled, type SectionProps, Time } from "./common.tsx";

type Grant = { active: boolean; expiresAt: string | null };
const HOURS = [1, 4, 24, 72, 168];

/** Whether the instance's operator may read this team's feedback (read-only, for a limited time). */
export function SupportSection({ team }: SectionProps) {
  const [grant, setGrant] = useState<Grant | undefined>(undefined);
  const [hours, setHours] = useState("24");
  useEffect(() => {
    api<Grant>("GET", `/teams/${team.id}/support-access`).then(setGrant, handleLostSession);
  }, [team.id]);
  if (!grant) return <Skeleton lines={2} />;
  const hoursText = (n: number) =>
    n % 24 === 0 ? t.teamDays.replace("{n}", String(n / 24)) : t.hours.replace("{n}", String(n));
  return (
    <section class="panel" aria-labelledby="support-title">
      <h2 id="support-title">{t.supportTitle}</h2>
      <p>{t.supportIntro}</p>
      <p class="state-line" role="status">
        {grant.active && grant.expiresAt ? (
          <>
            <Badge tone="warn">{t.supportOn}</Badge> {t.supportUntil} <Time iso={grant.expiresAt} exact />
          </>
        ) : (
          <>
            <Badge>{t.supportOff}</Badge> {t.supportOffText}
          </>
        )}
      </p>
      <div class="inline-form">
        <Labeled id="support-hours" label={t.supportFor}>
          <select
            id="support-hours"
            value={hours}
            onChange={(e) => setHours((e.currentTarget as HTMLSelectElement).value)}
          >
            {HOURS.map((n) => (
              <option key={n} value={String(n)}>
                {hoursText(n)}
              </option>
            ))}
          </select>
        </Labeled>
        <ActionButton
          tone="primary"
          label={grant.active ? t.supportExtend : t.supportGrant}
          run={async () => {
            const next = await api<Grant>("POST", `/teams/${team.id}/support-access`, { hours: Number(hours) });
            setGrant(next);
            toast(t.supportGranted.replace("{duration}", hoursText(Number(hours))));
          }}
        />
        {grant.active && (
          <ActionButton
            tone="danger"
            label={t.supportEnd}
            run={async () => {
              setGrant(await api<Grant>("DELETE", `/teams/${team.id}/support-access`));
              toast(t.supportEnded);
            }}
          />
        )}
      </div>
      <p class="hint">
        {t.supportHistory}{" "}
        <a
          href="/team/audit?action=support_access"
          onClick={(event) => {
            event.preventDefault();
            navigate("/team/audit?action=support_access");
          }}
        >
          {t.supportHistoryLink}
        </a>
      </p>
    </section>
  );
}
