// CI's dependency gate (scripts/audit.ts, SECURITY.md T-SC1): a HIGH or CRITICAL advisory in a
// production dependency fails the run; a registry that cannot answer is reported, not failed;
// anything the gate cannot read fails. npm exits 1 in all three cases, so the output decides.
import { expect, test } from "bun:test";
import { auditVerdict } from "../../scripts/audit.ts";

/** The shape of `npm audit --json` (auditReportVersion 2, npm 11's arborist AuditReport.toJSON). */
function report(vulnerabilities: Record<string, { severity: string; title?: string }>) {
  const counts: Record<string, number> = { info: 0, low: 0, moderate: 0, high: 0, critical: 0 };
  const vulns: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(vulnerabilities)) {
    counts[v.severity]!++;
    vulns[name] = {
      name,
      severity: v.severity,
      isDirect: true,
      via: [
        {
          source: 1,
          name,
          dependency: name,
          title: v.title ?? "Some flaw",
          url: "https://github.com/advisories/GHSA-xxxx-yyyy-zzzz",
          severity: v.severity,
          range: "<9.9.9",
        },
      ],
      effects: [],
      range: "<9.9.9",
      nodes: [`node_modules/${name}`],
      fixAvailable: true,
    };
  }
  return JSON.stringify({
    auditReportVersion: 2,
    vulnerabilities: vulns,
    metadata: {
      vulnerabilities: { ...counts, total: Object.keys(vulns).length },
      dependencies: { prod: 74, dev: 300, optional: 20, peer: 0, peerOptional: 0, total: 373 },
    },
  });
}

test("a HIGH or CRITICAL advisory fails the gate and is named", () => {
  const verdict = auditVerdict({
    exitCode: 1,
    stdout: report({ hono: { severity: "high", title: "Path confusion" }, qrcode: { severity: "low" } }),
    stderr: "",
  });
  expect(verdict.outcome).toBe("fail");
  expect(verdict.lines[0]).toBe(
    "npm audit: 1 HIGH or CRITICAL in production dependencies (74 packages): 0 critical, 1 high, 0 moderate, 1 low, 0 info",
  );
  expect(verdict.lines[1]).toContain("HIGH hono <9.9.9: Path confusion (https://github.com/advisories/");
  expect(auditVerdict({ exitCode: 1, stdout: report({ jose: { severity: "critical" } }), stderr: "" }).outcome).toBe(
    "fail",
  );
});

test("moderate and lower findings pass, listed; a clean report passes", () => {
  const verdict = auditVerdict({ exitCode: 0, stdout: report({ qrcode: { severity: "moderate" } }), stderr: "" });
  expect(verdict.outcome).toBe("pass");
  expect(verdict.lines).toHaveLength(2);
  expect(auditVerdict({ exitCode: 0, stdout: report({}), stderr: "" })).toEqual({
    outcome: "pass",
    lines: [
      "npm audit: no HIGH or CRITICAL advisory in production dependencies (74 packages): 0 critical, 0 high, 0 moderate, 0 low, 0 info",
    ],
  });
});

test("a registry that cannot answer is reported, not failed, and no credential reaches the log", () => {
  // What npm 11 printed here against a mirror without the advisory endpoint, and with no network.
  const http405 = auditVerdict({
    exitCode: 1,
    stdout: JSON.stringify({
      message: "405 Method Not Allowed - POST https://ci:s3cret@registry.example/-/npm/v1/security/advisories/bulk",
      method: "POST",
      uri: "https://registry.example/-/npm/v1/security/advisories/bulk",
      statusCode: 405,
      body: "",
      error: { summary: "", detail: "" },
    }),
    stderr: "npm warn audit 405 Method Not Allowed\nnpm error audit endpoint returned an error\n",
  });
  expect(http405.outcome).toBe("unavailable");
  expect(http405.lines[0]).toStartWith("npm audit: NOT CHECKED — the registry could not answer");
  expect(http405.lines.join("\n")).not.toContain("s3cret");
  const offline = auditVerdict({
    exitCode: 1,
    stdout: JSON.stringify({
      message: "request to http://127.0.0.1:9/-/npm/v1/security/advisories/bulk failed, reason: connect ECONNREFUSED",
      error: { summary: "", detail: "" },
    }),
    stderr: "npm error audit endpoint returned an error\n",
  });
  expect(offline.outcome).toBe("unavailable");
});

test("whatever the gate cannot read fails: no lockfile, no JSON", () => {
  const noLock = auditVerdict({
    exitCode: 1,
    stdout: JSON.stringify({
      error: { code: "ENOLOCK", summary: "This command requires an existing lockfile.", detail: "" },
    }),
    stderr: "npm error code ENOLOCK\n",
  });
  expect(noLock).toEqual({
    outcome: "fail",
    lines: ["npm audit failed (exit 1): ENOLOCK: This command requires an existing lockfile."],
  });
  expect(auditVerdict({ exitCode: 1, stdout: "", stderr: "npm: command not found" }).outcome).toBe("fail");
});
