/**
 * T-V3's lint: SQL is written with bound parameters only. A template literal that reads as SQL may
 * interpolate nothing but the constants and placeholder lists allowed below (each with its reason);
 * no SQL is built by string concatenation; no `pragma(…)`/`exec(…)` call takes an interpolated value.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { Glob } from "bun";
import { scanSource } from "../support/source-scan.ts";

const SQL =
  /\b(?:SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|PRAGMA|CREATE (?:TABLE|INDEX|TRIGGER|VIEW)|DROP|ALTER TABLE|WHERE|VALUES|ORDER BY|INDEXED BY|MATCH)\b/;

/** A placeholder list: one `?` per value, bound separately. */
const PLACEHOLDERS = /^[\w.]+\.map\(\(\) => "\?"\)\.join\(", "\)$/;

/**
 * What a SQL template may interpolate besides placeholder lists, per file. Every entry is an
 * identifier or a fragment chosen by code from a closed set — never a value from a request.
 */
const ALLOWED: Record<string, Record<string, string>> = {
  "src/store/sessions.ts": { COLUMNS: "the table's column list, a module constant" },
  "src/store/users.ts": { COLUMNS: "the table's column list, a module constant" },
  "src/store/projects.ts": { COLUMNS: "the table's column list, a module constant" },
  "src/store/tokens.ts": { API_COLUMNS: "the table's column list, a module constant" },
  "src/store/oidc.ts": { PROVIDER_COLUMNS: "the table's column list, a module constant" },
  "src/store/audit.ts": {
    COLUMNS: "the table's column list, a module constant",
    'where.join(" AND ")': "conditions from string literals in the same function, each with `?` placeholders",
  },
  "src/store/teams.ts": {
    TEAM_COLUMNS: "the table's column list, a module constant",
    INVITATION_COLUMNS: "the table's column list, a module constant",
    'TEAM_COLUMNS.split(", ")\n      .map((c) => `t.${c}`)\n      .join(\n        ", ",\n      )':
      "the same constant column list, qualified with the table alias",
  },
  "src/store/privacy.ts": {
    IDENTITY_SQL: "a module constant (the shared SELECT … JOIN of the identity queries)",
    table: "one of the literals screenshots / feedback_messages / feedback_comments, passed by the same function",
    marks: 'a placeholder list (`part.map(() => "?")`)',
  },
  "src/store/feedback.ts": {
    COLUMNS: "the table's column list, a module constant",
    F_COLUMNS: "the column list qualified with `f.`, a module constant",
    index: "an index name from the DRIVER_COLUMN constant map",
    "DRIVER_COLUMN[driver][0]": "an index name from the DRIVER_COLUMN constant map",
    column: "a column name from the DRIVER_COLUMN map, or internal_text/public_text chosen by the thread kind",
    'value === null ? "IS NULL" : "= ?"': "one of two literal fragments",
    live: "one of two literal deleted_at conditions",
    sql: "the SELECT built just above in the same function from the fragments listed here",
    key: "a sort key from the RATING_KEY constant map, s.rank or 0",
    from: "one of two literal FROM clauses (with or without the label join)",
    'where.join(" AND ")': "conditions from string literals in the same function, each with `?` placeholders",
    order: "an ORDER BY from literals and the constant sort keys",
    marks: 'a placeholder list (`ids.map(() => "?")`)',
    'deletedAt === null ? "NOT NULL" : "NULL"': "one of two literal fragments",
    table: "feedback_comments or feedback_messages, chosen by the thread kind",
  },
  "src/store/database.ts": {
    source: "the pragma names of this file's callers (literals: journal_mode, user_version …); PRAGMA cannot bind",
  },
  "src/store/backup-snapshot.ts": {
    "name.replaceAll('\"', '\"\"')": "a table name read from sqlite_master of the snapshot, quoted as an identifier",
  },
};

/** `pragma(…)`/`exec(…)` calls with an interpolated template: PRAGMA and multi-statement SQL cannot bind values. */
const ALLOWED_CALLS: Record<string, string> = {
  "src/store/key-rotation.ts: db.pragma(`rekey = '${databaseKeyText(next)}'`)":
    "the new database key as hex text made by databaseKeyText from key bytes (PRAGMA rekey cannot bind)",
  "src/store/backup-snapshot.ts: db.exec(`VACUUM INTO '${target.replaceAll(\"'\", \"''\")}'`)":
    "the snapshot's path, chosen by the server under its data directory, quoted as a SQL string",
  "src/store/key-rotation.ts: db.exec(`VACUUM INTO '${copyTmp.replaceAll(\"'\", \"''\")}'`)":
    "the copy's path, chosen by the server under its data directory, quoted as a SQL string",
  "src/store/database.ts: db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`)":
    "an integer (Math.trunc of the configured timeout)",
};

const files = [...new Glob("src/**/*.{ts,tsx}").scanSync(".")].sort();

function sqlTemplates(file: string) {
  const source = readFileSync(file, "utf8");
  const scan = scanSource(source, { jsx: file.endsWith(".tsx") });
  return { source, scan, templates: scan.literals.filter((l) => l.interpolations?.length && SQL.test(l.text)) };
}

describe("SQL is built with bound parameters only", () => {
  test("the scan sees the store's SQL (it can fail)", () => {
    const found = files.flatMap((f) => sqlTemplates(f).templates.map(() => f));
    expect(found.filter((f) => f === "src/store/feedback.ts").length).toBeGreaterThan(5);
    // A made-up offender is caught.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text of an offender, scanned as code
    const bad = scanSource("db.get(`SELECT * FROM users WHERE email = '${email}'`)");
    expect(bad.literals.filter((l) => l.interpolations?.length && SQL.test(l.text))[0]?.interpolations).toEqual([
      "email",
    ]);
  });

  test("a SQL template interpolates only allowed constants and placeholder lists", () => {
    const offenders: string[] = [];
    for (const file of files) {
      for (const t of sqlTemplates(file).templates)
        for (const expr of t.interpolations ?? [])
          if (!PLACEHOLDERS.test(expr) && !ALLOWED[file]?.[expr]) offenders.push(`${file}:${t.line}: \${${expr}}`);
    }
    expect(offenders).toEqual([]);
  });

  test("every allowed constant is a plain literal in its file, and every allowed entry is still used", () => {
    const unused: string[] = [];
    for (const [file, entries] of Object.entries(ALLOWED)) {
      const { source, templates } = sqlTemplates(file);
      const used = new Set(templates.flatMap((t) => t.interpolations ?? []));
      for (const expr of Object.keys(entries)) {
        if (!used.has(expr)) unused.push(`${file}: ${expr}`);
        // An UPPER_SNAKE constant is defined once, as a literal without interpolation.
        if (/^[A-Z_]+$/.test(expr)) {
          const definition = new RegExp(
            `const ${expr} =\\s*(?:"[^"$]*"|\`[^\`$]*\`|[A-Z_]+(?=\\.))(?:\\s*\\.[^;]*)?;`,
          ).test(source);
          expect({ file, expr, literal: definition }).toEqual({ file, expr, literal: true });
        }
      }
    }
    expect(unused).toEqual([]);
  });

  test("no SQL is built by string concatenation", () => {
    const offenders: string[] = [];
    for (const file of files) {
      const { scan } = sqlTemplates(file);
      scan.tokens.forEach((token, i) => {
        if ((token.kind !== "string" && token.kind !== "template") || !SQL.test(token.value)) return;
        const before = scan.tokens[i - 1];
        const after = scan.tokens[i + 1];
        if (
          (before?.kind === "punct" && /^\+=?$/.test(before.value)) ||
          (after?.kind === "punct" && after.value === "+")
        )
          offenders.push(`${file}:${token.line}: ${token.value.slice(0, 60)}`);
      });
    }
    expect(offenders).toEqual([]);
  });

  test("pragma()/exec() take no interpolated value but the allowed ones", () => {
    const calls: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/[\w.#]+\.(?:pragma|exec)\(\s*`[^`]*\$\{[^`]*`\s*\)/g))
        calls.push(`${file}: ${m[0]}`);
    }
    expect(calls.filter((c) => !ALLOWED_CALLS[c])).toEqual([]);
    expect(Object.keys(ALLOWED_CALLS).filter((c) => !calls.includes(c))).toEqual([]);
  });
});
