import { EXACT_ORIGIN, SUBDOMAIN_ORIGIN } from "../../src/shared/origins.ts";
import { BROWSERS } from "../../src/shared/user-agent.ts";
import { regexesInSource } from "./regex-safety.ts";

/**
 * The `new RegExp(…)` of src/, as the code builds them (their text is code, not a literal), by
 * "file: the call's start".
 */
export const CONSTRUCTED: Record<string, RegExp[]> = {
  "src/shared/feedback.ts: new RegExp(`^\\\\d{1,${max}}$`)), v.transform(Number));": [2, 3].map(
    (max) => new RegExp(`^\\d{1,${max}}$`),
  ),
  "src/shared/origins.ts: new RegExp(`^https?://${HOST}(?::\\\\d{1,5})?$`);": [EXACT_ORIGIN],
  "src/shared/origins.ts: new RegExp(`^https://\\\\*\\\\.(${HOST}\\\\.[a-z0-9-]{2,63})(?::\\\\d{1,5})?$`);": [
    SUBDOMAIN_ORIGIN,
  ],
  "src/shared/user-agent.ts: new RegExp(`${token}/(\\\\d+)`).exec(userAgent)?.[1];": BROWSERS.map(
    ([token]) => new RegExp(`${token}/(\\d+)`),
  ),
};

/** Patterns the checker flags that never see attacker-shaped text, each with the reason. */
export const FLAGGED_BUT_BOUNDED: Record<string, { finding: string; reason: string }> = {
  "src/widget/app.ts /(.).*-(.).*/": {
    finding: "unanchored-scan",
    reason: "reads the project's launcher position, a picklist value such as bottom-right (server-validated)",
  },
};

/** Every pattern of src/ to check: the literals and the constructed ones, by name. */
export function srcPatterns(): { name: string; re: RegExp }[] {
  const { literals } = regexesInSource();
  return [
    ...literals.map((r) => ({ name: `${r.file} /${r.source}/${r.flags}`, re: new RegExp(r.source, r.flags) })),
    ...Object.entries(CONSTRUCTED).flatMap(([name, list]) => list.map((re) => ({ name: `${name} ${re}`, re }))),
  ];
}
