/**
 * A small TypeScript lexer for test/architecture.test.ts: it lists a file's imports — type-only ones
 * too, which Bun's `Transpiler.scanImports` drops — and its string and template literals, skipping
 * comments, regular expressions and JSX text so that neither an `import` in a comment nor a quote in
 * a regex is taken for code. It is not a parser: it recognises the import forms TypeScript has and
 * gives up gracefully elsewhere; the architecture test checks its runtime imports against Bun's own.
 */

export type Token = {
  kind: "id" | "punct" | "string" | "template" | "regex" | "number";
  value: string;
  line: number;
};

/**
 * static: `import … from`, `import "…"`, `export … from`; dynamic: `import("…")` as a value;
 * require: `require("…")`; type: `import type`, `import { type A }`, `export type … from`,
 * `import("…").T` or `typeof import("…")` in a type, `/// <reference path|types>`.
 */
export type ImportKind = "static" | "dynamic" | "require" | "type";

/** One import of a file; `specifier` is null for an `import(expr)` whose target is not a literal. */
export type ImportRef = { specifier: string | null; kind: ImportKind; line: number };

/** A string or template literal; a template's `${…}` expressions are in `interpolations`, in order. */
export type LiteralText = { text: string; line: number; interpolations?: string[] };

export type SourceScan = { tokens: Token[]; imports: ImportRef[]; literals: LiteralText[] };

const ID_START = /[\p{ID_Start}$_]/u;
const ID_PART = /[\p{ID_Continue}$\u200c\u200d]/u;
/** After these keywords an expression starts, so `/` opens a regex (and `<` a JSX element). */
const EXPRESSION_KEYWORDS = new Set([
  "return",
  "typeof",
  "instanceof",
  "in",
  "of",
  "new",
  "delete",
  "void",
  "throw",
  "case",
  "do",
  "else",
  "yield",
  "await",
]);
/** Punctuators after which a value has just ended, so `/` is a division. */
const VALUE_END = new Set([")", "]", "}"]);
const PUNCTUATORS = [
  ">>>=",
  "...",
  "===",
  "!==",
  "**=",
  "<<=",
  ">>=",
  ">>>",
  "&&=",
  "||=",
  "??=",
  "=>",
  "==",
  "!=",
  "<=",
  ">=",
  "&&",
  "||",
  "??",
  "?.",
  "++",
  "--",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "&=",
  "|=",
  "^=",
  "**",
  "<<",
  ">>",
];

class Lexer {
  readonly tokens: Token[] = [];
  readonly literals: LiteralText[] = [];
  readonly references: ImportRef[] = [];
  pos = 0;
  line = 1;
  /** The last significant token: decides whether `/` is a regex and `<` a JSX element. */
  prev: Token | null = null;

  constructor(
    readonly src: string,
    readonly jsx: boolean,
  ) {}

  push(kind: Token["kind"], value: string, line: number): void {
    const token = { kind, value, line };
    this.tokens.push(token);
    this.prev = token;
  }

  /** True when the next token starts an expression (a regex or JSX may begin here). */
  expressionAllowed(): boolean {
    const p = this.prev;
    if (!p) return true;
    if (p.kind === "id") return EXPRESSION_KEYWORDS.has(p.value);
    if (p.kind === "punct") return !VALUE_END.has(p.value);
    return false;
  }

  advance(n: number): void {
    for (let i = 0; i < n; i++) if (this.src[this.pos + i] === "\n") this.line++;
    this.pos += n;
  }

  /** Lexes code until the end, or until the `}` closing the current `${` / JSX `{` (consumed). */
  code(closeOnBrace: boolean): void {
    let depth = 0;
    const src = this.src;
    while (this.pos < src.length) {
      const c = src[this.pos]!;
      const next = src[this.pos + 1];
      if (
        c === "\n" ||
        c === " " ||
        c === "\t" ||
        c === "\r" ||
        c === "\f" ||
        c === "\v" ||
        c === "\ufeff" ||
        c === "\u00a0"
      ) {
        this.advance(1);
      } else if (c === "/" && next === "/") {
        const end = src.indexOf("\n", this.pos);
        const stop = end === -1 ? src.length : end;
        const comment = src.slice(this.pos, stop);
        const reference = /^\/\/\/\s*<reference\s+(?:path|types)\s*=\s*["']([^"']+)["']/.exec(comment);
        if (reference) this.references.push({ specifier: reference[1]!, kind: "type", line: this.line });
        this.pos = stop;
      } else if (c === "/" && next === "*") {
        const end = src.indexOf("*/", this.pos + 2);
        this.advance((end === -1 ? src.length : end + 2) - this.pos);
      } else if (c === '"' || c === "'") {
        this.string(c);
      } else if (c === "`") {
        this.template();
      } else if (c === "/" && this.expressionAllowed()) {
        this.regex();
      } else if (
        c === "<" &&
        this.jsx &&
        this.expressionAllowed() &&
        next !== undefined &&
        (next === ">" || ID_START.test(next))
      ) {
        this.jsxElement();
      } else if (c === "{") {
        depth++;
        this.push("punct", "{", this.line);
        this.advance(1);
      } else if (c === "}") {
        if (closeOnBrace && depth === 0) {
          this.advance(1);
          return;
        }
        depth--;
        this.push("punct", "}", this.line);
        this.advance(1);
      } else if (ID_START.test(c) || (c === "#" && next !== undefined && ID_START.test(next)) || c === "\\") {
        const start = this.pos;
        this.pos++;
        while (this.pos < src.length && (ID_PART.test(src[this.pos]!) || src[this.pos] === "\\")) this.pos++;
        this.push("id", src.slice(start, this.pos), this.line);
      } else if (/[0-9]/.test(c) || (c === "." && next !== undefined && /[0-9]/.test(next))) {
        const start = this.pos;
        this.pos++;
        while (this.pos < src.length && /[0-9a-zA-Z_.]/.test(src[this.pos]!)) this.pos++;
        this.push("number", src.slice(start, this.pos), this.line);
      } else {
        const punct = PUNCTUATORS.find((p) => src.startsWith(p, this.pos)) ?? c;
        this.push("punct", punct, this.line);
        this.advance(punct.length);
      }
    }
  }

  string(quote: string): void {
    const line = this.line;
    let text = "";
    this.advance(1);
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === "\\") {
        text += this.src[this.pos + 1] ?? "";
        this.advance(2);
      } else if (c === quote) {
        this.advance(1);
        break;
      } else if (c === "\n") {
        break; // an unterminated string: stop at the line's end rather than swallow the file
      } else {
        text += c;
        this.advance(1);
      }
    }
    this.push("string", text, line);
    this.literals.push({ text, line });
  }

  /** A template literal; each `${…}` is lexed as code and stands as `?` in the literal's text. */
  template(): void {
    const line = this.line;
    let text = "";
    const interpolations: string[] = [];
    this.advance(1);
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === "\\") {
        text += this.src[this.pos + 1] ?? "";
        this.advance(2);
      } else if (c === "`") {
        this.advance(1);
        break;
      } else if (c === "$" && this.src[this.pos + 1] === "{") {
        text += "?";
        this.advance(2);
        this.prev = { kind: "punct", value: "${", line: this.line };
        const start = this.pos;
        this.code(true);
        interpolations.push(this.src.slice(start, this.pos - 1).trim());
      } else {
        text += c;
        this.advance(1);
      }
    }
    this.push("template", text, line);
    this.literals.push({ text, line, interpolations });
  }

  regex(): void {
    const line = this.line;
    const start = this.pos;
    let inClass = false;
    this.advance(1);
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === "\\") this.advance(2);
      else if (c === "\n") break;
      else {
        this.advance(1);
        if (c === "[") inClass = true;
        else if (c === "]") inClass = false;
        else if (c === "/" && !inClass) break;
      }
    }
    while (this.pos < this.src.length && ID_PART.test(this.src[this.pos]!)) this.pos++;
    this.push("regex", this.src.slice(start, this.pos), line);
  }

  /** `<Tag attr="…" {...spread} attr={expr}>text {expr} <Child/></Tag>` or a fragment `<>…</>`. */
  jsxElement(): void {
    const src = this.src;
    this.advance(1); // <
    while (this.pos < src.length && /[^\s/>{]/.test(src[this.pos]!)) this.advance(1); // tag name
    for (;;) {
      while (this.pos < src.length && /\s/.test(src[this.pos]!)) this.advance(1);
      if (this.pos >= src.length) return;
      const c = src[this.pos]!;
      if (c === "/" && src[this.pos + 1] === ">") {
        this.advance(2);
        this.endJsx();
        return;
      }
      if (c === ">") {
        this.advance(1);
        break;
      }
      if (c === "{") this.jsxExpression();
      else if (c === '"' || c === "'") this.string(c);
      else if (c === "<") this.jsxElement();
      else this.advance(1); // attribute names and `=`
    }
    for (;;) {
      if (this.pos >= src.length) return;
      const c = src[this.pos]!;
      if (c === "<" && src[this.pos + 1] === "/") {
        const end = src.indexOf(">", this.pos);
        this.advance((end === -1 ? src.length : end + 1) - this.pos);
        this.endJsx();
        return;
      }
      if (c === "<") this.jsxElement();
      else if (c === "{") this.jsxExpression();
      else this.advance(1); // JSX text is prose, not a string literal
    }
  }

  jsxExpression(): void {
    this.advance(1);
    this.prev = { kind: "punct", value: "{", line: this.line };
    this.code(true);
  }

  /** A finished element is a value: a `/` after it divides. */
  endJsx(): void {
    this.prev = { kind: "punct", value: ")", line: this.line };
  }
}

const isId = (t: Token | undefined, value?: string) =>
  t !== undefined && t.kind === "id" && (value === undefined || t.value === value);
const isPunct = (t: Token | undefined, value: string) => t !== undefined && t.kind === "punct" && t.value === value;
const literalText = (t: Token | undefined) =>
  t && (t.kind === "string" || (t.kind === "template" && !t.value.includes("?"))) ? t.value : null;

/** The index of the `}` matching the `{` at `open`, or -1. */
function closingBrace(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (isPunct(tokens[i], "{")) depth++;
    else if (isPunct(tokens[i], "}") && --depth === 0) return i;
  }
  return -1;
}

/** True when every specifier between the braces is `type X` (`{}` imports for its side effects). */
function allSpecifiersAreTypes(tokens: Token[], open: number, close: number): boolean {
  const specifiers: Token[][] = [[]];
  for (let i = open + 1; i < close; i++) {
    if (isPunct(tokens[i], ",")) specifiers.push([]);
    else specifiers[specifiers.length - 1]!.push(tokens[i]!);
  }
  const named = specifiers.filter((s) => s.length > 0);
  return (
    named.length > 0 && named.every((s) => isId(s[0], "type") && s.length >= 2 && !(isId(s[1], "as") && s.length === 3))
  );
}

function importAt(tokens: Token[], i: number): ImportRef | null {
  const line = tokens[i]!.line;
  const next = tokens[i + 1];
  if (isPunct(next, "(")) {
    const specifier = literalText(tokens[i + 2]);
    const closes = isPunct(tokens[i + 3], ")") || isPunct(tokens[i + 3], ",");
    // `typeof import("x")` and `import("x").T` are types; `import("x").then(…)` is a value.
    const member =
      isPunct(tokens[i + 4], ".") &&
      isId(tokens[i + 5]) &&
      !["then", "catch", "finally"].includes(tokens[i + 5]!.value);
    const typeOnly = isId(tokens[i - 1], "typeof") || (closes && member);
    return { specifier: closes ? specifier : null, kind: typeOnly ? "type" : "dynamic", line };
  }
  if (isPunct(next, ".")) return null; // import.meta
  if (next && next.kind === "string") return { specifier: next.value, kind: "static", line };
  let j = i + 1;
  let typeOnly = false;
  if (
    isId(tokens[j], "type") &&
    !isId(tokens[j + 1], "from") &&
    !isPunct(tokens[j + 1], ",") &&
    !isPunct(tokens[j + 1], "=")
  ) {
    typeOnly = true;
    j++;
  }
  const clauseStart = j;
  for (; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (isPunct(t, "{")) {
      const close = closingBrace(tokens, j);
      if (close === -1) return null;
      if (j === clauseStart && allSpecifiersAreTypes(tokens, j, close)) typeOnly = true;
      j = close;
    } else if (isId(t, "from") && tokens[j + 1]?.kind === "string") {
      return { specifier: tokens[j + 1]!.value, kind: typeOnly ? "type" : "static", line };
    } else if (isPunct(t, "=") && isId(tokens[j + 1], "require") && isPunct(tokens[j + 2], "(")) {
      return { specifier: literalText(tokens[j + 3]), kind: typeOnly ? "type" : "require", line };
    } else if (isPunct(t, ";") || isId(t, "import") || isId(t, "export")) {
      return null;
    }
  }
  return null;
}

function exportFromAt(tokens: Token[], i: number): ImportRef | null {
  const line = tokens[i]!.line;
  let j = i + 1;
  let typeOnly = false;
  if (isId(tokens[j], "type") && (isPunct(tokens[j + 1], "{") || isPunct(tokens[j + 1], "*"))) {
    typeOnly = true;
    j++;
  }
  if (isPunct(tokens[j], "{")) {
    const close = closingBrace(tokens, j);
    if (close === -1) return null;
    if (allSpecifiersAreTypes(tokens, j, close)) typeOnly = true;
    j = close + 1;
  } else if (isPunct(tokens[j], "*")) {
    j++;
    if (isId(tokens[j], "as")) j += 2;
  } else {
    return null;
  }
  if (isId(tokens[j], "from") && tokens[j + 1]?.kind === "string")
    return { specifier: tokens[j + 1]!.value, kind: typeOnly ? "type" : "static", line };
  return null;
}

/** Lexes a TypeScript (or, with `jsx`, TSX) source and lists its imports and literals. */
export function scanSource(src: string, options: { jsx?: boolean } = {}): SourceScan {
  const lexer = new Lexer(src.replace(/^#!.*/, ""), options.jsx === true);
  lexer.code(false);
  const tokens = lexer.tokens;
  const imports: ImportRef[] = [...lexer.references];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== "id") continue;
    const before = tokens[i - 1];
    if (isPunct(before, ".") || isPunct(before, "?.")) continue; // a property named import/require
    let ref: ImportRef | null = null;
    if (t.value === "import") ref = importAt(tokens, i);
    else if (t.value === "export") ref = exportFromAt(tokens, i);
    else if (t.value === "require" && isPunct(tokens[i + 1], "(") && isPunct(tokens[i + 3], ")")) {
      const specifier = literalText(tokens[i + 2]);
      if (specifier !== null) ref = { specifier, kind: "require", line: t.line };
    }
    if (ref) imports.push(ref);
  }
  return { tokens, imports, literals: lexer.literals };
}
