/**
 * The dependency gate of CI (SECURITY.md T-SC1): `npm audit --omit=dev --audit-level=high --json`.
 *
 * - A report with a HIGH or CRITICAL advisory in a production dependency fails (exit 1), naming each.
 * - A report with only lower findings passes and lists them.
 * - When the registry cannot answer the audit request (network error, or an HTTP error from the
 *   advisory endpoint — a mirror that does not implement it answers 405), that is not a finding:
 *   it says so clearly and exits 0, so CI keeps going.
 * - Anything else (no lockfile, output in an unknown shape) fails: a gate that cannot tell must not pass.
 *
 * npm exits 1 both for findings and for an unreachable registry; the two are told apart by the
 * output: a report always carries `auditReportVersion`, and npm ends an endpoint failure (and only
 * that) with the error "audit endpoint returned an error" (npm's lib/utils/audit-error.js).
 */

export type AuditOutcome = "pass" | "fail" | "unavailable";

export interface AuditVerdict {
  outcome: AuditOutcome;
  /** What CI prints: one line, then one line per finding. */
  lines: string[];
}

const BLOCKING = ["critical", "high"] as const;
const SEVERITIES = ["critical", "high", "moderate", "low", "info"] as const;

interface Advisory {
  title?: string;
  url?: string;
  severity?: string;
}
interface Vulnerability {
  name: string;
  severity: string;
  range?: string;
  via?: (Advisory | string)[];
  fixAvailable?: unknown;
}
interface Report {
  auditReportVersion: number;
  vulnerabilities: Record<string, Vulnerability>;
  metadata: { vulnerabilities: Record<string, number>; dependencies?: { prod?: number } };
}

/** Credentials in a registry URL (https://user:token@host/) never reach the CI log. */
const withoutCredentials = (text: string) => text.replace(/(\w+:\/\/)[^/\s@]+@/g, "$1");

function isReport(value: unknown): value is Report {
  const r = value as Report | null;
  return (
    typeof r === "object" &&
    r !== null &&
    typeof r.auditReportVersion === "number" &&
    typeof r.vulnerabilities === "object" &&
    typeof r.metadata?.vulnerabilities === "object"
  );
}

function describe(v: Vulnerability): string {
  const advisories = (v.via ?? [])
    .filter((a): a is Advisory => typeof a === "object" && a !== null)
    .map((a) => `${a.title ?? "advisory"}${a.url ? ` (${a.url})` : ""}`);
  const via = (v.via ?? []).filter((a): a is string => typeof a === "string");
  const cause = advisories.length > 0 ? advisories.join("; ") : via.length > 0 ? `through ${via.join(", ")}` : "";
  const fix = v.fixAvailable ? "fix available" : "no fix yet";
  return `  ${v.severity.toUpperCase()} ${v.name}${v.range ? ` ${v.range}` : ""}: ${cause} [${fix}]`;
}

/** Reads what `npm audit --json` printed and decides. Pure, so the three outcomes are unit-tested. */
export function auditVerdict(run: { exitCode: number; stdout: string; stderr: string }): AuditVerdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    return {
      outcome: "fail",
      lines: [`npm audit printed no JSON report (exit ${run.exitCode}): ${withoutCredentials(run.stderr.trim())}`],
    };
  }
  if (isReport(parsed)) {
    const counts = parsed.metadata.vulnerabilities;
    const tally = SEVERITIES.map((s) => `${counts[s] ?? 0} ${s}`).join(", ");
    const findings = Object.values(parsed.vulnerabilities).sort(
      (a, b) => SEVERITIES.indexOf(a.severity as never) - SEVERITIES.indexOf(b.severity as never),
    );
    const blocking = findings.filter((v) => (BLOCKING as readonly string[]).includes(v.severity));
    const prod = parsed.metadata.dependencies?.prod;
    const scope = `production dependencies${prod === undefined ? "" : ` (${prod} packages)`}`;
    if (blocking.length > 0)
      return {
        outcome: "fail",
        lines: [`npm audit: ${blocking.length} HIGH or CRITICAL in ${scope}: ${tally}`, ...findings.map(describe)],
      };
    return {
      outcome: "pass",
      lines: [`npm audit: no HIGH or CRITICAL advisory in ${scope}: ${tally}`, ...findings.map(describe)],
    };
  }
  const error = parsed as { message?: unknown; statusCode?: unknown; error?: { code?: unknown; summary?: unknown } };
  if (run.stderr.includes("audit endpoint returned an error")) {
    const reason = typeof error.message === "string" ? withoutCredentials(error.message) : "no answer";
    return {
      outcome: "unavailable",
      lines: [
        `npm audit: NOT CHECKED — the registry could not answer the advisory request (${reason}).`,
        "  This is not a finding and CI continues; run `npm audit --omit=dev` where the registry's advisory endpoint is reachable.",
      ],
    };
  }
  const summary = [error.error?.code, error.error?.summary, error.message].filter((s) => typeof s === "string");
  return {
    outcome: "fail",
    lines: [`npm audit failed (exit ${run.exitCode}): ${withoutCredentials(summary.join(": ") || run.stderr.trim())}`],
  };
}

if (import.meta.main) {
  // An explicit log level: under `npm run -s` the inherited silent level would hide npm's error line.
  const proc = Bun.spawn(["npm", "audit", "--omit=dev", "--audit-level=high", "--json", "--loglevel=warn"], {
    cwd: new URL("..", import.meta.url).pathname,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const verdict = auditVerdict({ exitCode, stdout, stderr });
  for (const line of verdict.lines) console.log(line);
  process.exit(verdict.outcome === "fail" ? 1 : 0);
}
