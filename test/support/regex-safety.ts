import { readFileSync } from "node:fs";
import { Glob } from "bun";
import { scanSource } from "./source-scan.ts";

/**
 * A small backtracking-risk checker for JavaScript regular expressions (T-V6). It parses a pattern
 * and reports the shapes that make a backtracking engine super-linear:
 * - nested quantifiers (star height > 1): `(a+)+`, `(\w*\s?)*` — exponential;
 * - an unbounded quantifier over alternatives that can start with the same character: `(a|ab)*`;
 * - two unbounded quantifiers in a row (only optional items between) over overlapping characters:
 *   `\d+\.?\d+`, `\s*\s*` — polynomial;
 * - a pattern not anchored at its start whose first item is an unbounded quantifier followed by
 *   something that can fail: `/[^@]+@/` scans to the end from every start position — quadratic.
 * Character sets are compared on a sample alphabet (ASCII, Latin-1, a few other scripts, emoji).
 */

export type Finding = { kind: "nested" | "ambiguous-alternation" | "adjacent-overlap" | "unanchored-scan"; at: string };

type Node =
  | { type: "seq"; items: Node[] }
  | { type: "alt"; options: Node[] }
  | { type: "group"; body: Node; look: boolean }
  | { type: "quant"; body: Node; min: number; max: number; src: string }
  | { type: "chars"; src: string; set: Set<string> }
  /** Matches no character: `^ $ \b \B` can fail (assert), an empty alternative cannot. */
  | { type: "empty"; assert?: true };

const SAMPLE = [
  ...Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)),
  "\u00a0",
  "\u00e9",
  "\u00ff",
  "\u0394",
  "\u0416",
  "\u05d0",
  "\u4e2d",
  "\u2028",
  "\ufeff",
  "\ud83d\ude00",
];

/** Characters of the sample alphabet an atom matches. */
function charSet(atomSource: string, flags: string): Set<string> {
  const re = new RegExp(`^(?:${atomSource})$`, flags.replace(/[gy]/g, ""));
  return new Set(SAMPLE.filter((c) => re.test(c)));
}

class Parser {
  pos = 0;
  constructor(
    readonly src: string,
    readonly flags: string,
  ) {}

  parse(): Node {
    const node = this.alternation();
    if (this.pos < this.src.length) throw new Error(`unexpected ${this.src[this.pos]} at ${this.pos} in /${this.src}/`);
    return node;
  }

  alternation(): Node {
    const options = [this.sequence()];
    while (this.src[this.pos] === "|") {
      this.pos++;
      options.push(this.sequence());
    }
    return options.length === 1 ? options[0]! : { type: "alt", options };
  }

  sequence(): Node {
    const items: Node[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      const start = this.pos;
      const atom = this.atom();
      items.push(this.quantifier(atom, start));
    }
    return items.length === 1 ? items[0]! : { type: "seq", items };
  }

  quantifier(atom: Node, start: number): Node {
    const c = this.src[this.pos];
    let min: number;
    let max: number;
    if (c === "*") [min, max] = [0, Infinity];
    else if (c === "+") [min, max] = [1, Infinity];
    else if (c === "?") [min, max] = [0, 1];
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    if (this.src[this.pos] === "?") this.pos++; // lazy: the same backtracking
    return { type: "quant", body: atom, min, max, src: this.src.slice(start, this.pos) };
  }

  atom(): Node {
    const src = this.src;
    const c = src[this.pos]!;
    if (c === "(") {
      this.pos++;
      let look = false;
      if (src.startsWith("?:", this.pos)) this.pos += 2;
      else if (/^\?<?[=!]/.test(src.slice(this.pos))) {
        look = true;
        this.pos += src[this.pos + 1] === "<" ? 3 : 2;
      } else if (src.startsWith("?<", this.pos)) this.pos = src.indexOf(">", this.pos) + 1;
      const body = this.alternation();
      if (src[this.pos] !== ")") throw new Error(`unclosed group in /${src}/`);
      this.pos++;
      return { type: "group", body, look };
    }
    if (c === "^" || c === "$") {
      this.pos++;
      return { type: "empty", assert: true };
    }
    const start = this.pos;
    if (c === "[") {
      this.pos++;
      while (this.pos < src.length && src[this.pos] !== "]") this.pos += src[this.pos] === "\\" ? 2 : 1;
      this.pos++;
    } else if (c === "\\") {
      const next = src[this.pos + 1]!;
      if (next === "b" || next === "B") {
        this.pos += 2;
        return { type: "empty", assert: true };
      }
      if (/[1-9]/.test(next)) {
        this.pos += 2;
        return { type: "chars", src: ".", set: new Set(SAMPLE) };
      }
      const m = /^\\(?:[pP]\{[^}]+\}|u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[A-Za-z]|k<[^>]+>|.)/.exec(
        src.slice(this.pos),
      );
      this.pos += m![0].length;
    } else {
      // A surrogate pair is one character under the u flag.
      this.pos += this.flags.includes("u") && /[\ud800-\udbff]/.test(c) ? 2 : 1;
    }
    const atomSrc = src.slice(start, this.pos);
    return { type: "chars", src: atomSrc, set: charSet(atomSrc, this.flags) };
  }
}

type Info = { first: Set<string>; nullable: boolean; all: Set<string> };

function union(...sets: Set<string>[]): Set<string> {
  const out = new Set<string>();
  for (const s of sets) for (const c of s) out.add(c);
  return out;
}
const overlaps = (a: Set<string>, b: Set<string>) => [...a].some((c) => b.has(c));

/** The characters a node can start with, whether it can match empty, and every character it can consume. */
function info(node: Node): Info {
  switch (node.type) {
    case "empty":
      return { first: new Set(), nullable: true, all: new Set() };
    case "chars":
      return { first: node.set, nullable: false, all: node.set };
    case "group":
      return node.look ? { first: new Set(), nullable: true, all: new Set() } : info(node.body);
    case "quant": {
      const b = info(node.body);
      return { first: b.first, nullable: node.min === 0 || b.nullable, all: b.all };
    }
    case "alt": {
      const parts = node.options.map(info);
      return {
        first: union(...parts.map((p) => p.first)),
        nullable: parts.some((p) => p.nullable),
        all: union(...parts.map((p) => p.all)),
      };
    }
    case "seq": {
      const parts = node.items.map(info);
      const first = new Set<string>();
      let nullable = true;
      for (const p of parts) {
        for (const c of p.first) first.add(c);
        if (!p.nullable) {
          nullable = false;
          break;
        }
      }
      return { first, nullable, all: union(...parts.map((p) => p.all)) };
    }
  }
}

/** An unbounded repetition of something that consumes characters (bounded ones up to 16 are cheap). */
function heavy(n: Node): boolean {
  return n.type === "quant" && n.max > 16 && info(n.body).all.size > 0;
}

type Quant = Extract<Node, { type: "quant" }>;

/** The unbounded repetitions that can end a match of `node` (only optional items after them). */
function tailHeavy(node: Node): Quant[] {
  switch (node.type) {
    case "quant":
      return heavy(node) ? [node, ...tailHeavy(node.body)] : tailHeavy(node.body);
    case "group":
      return node.look ? [] : tailHeavy(node.body);
    case "alt":
      return node.options.flatMap(tailHeavy);
    case "seq": {
      const out: Quant[] = [];
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i]!;
        out.push(...tailHeavy(item));
        if (!info(item).nullable) break;
      }
      return out;
    }
    default:
      return [];
  }
}

/** The characters that can be the last one a match of `node` consumes. */
function lastChars(node: Node): Set<string> {
  switch (node.type) {
    case "chars":
      return node.set;
    case "quant":
      return lastChars(node.body);
    case "group":
      return node.look ? new Set() : lastChars(node.body);
    case "alt":
      return union(...node.options.map(lastChars));
    case "seq": {
      const out = new Set<string>();
      for (let i = node.items.length - 1; i >= 0; i--) {
        for (const c of lastChars(node.items[i]!)) out.add(c);
        if (!info(node.items[i]!).nullable) break;
      }
      return out;
    }
    default:
      return new Set();
  }
}

/** Whether a node can fail without consuming: an anchor, a word boundary, a lookaround. */
const canFailEmpty = (n: Node): boolean =>
  (n.type === "empty" && n.assert === true) ||
  (n.type === "group" && (n.look || canFailEmpty(n.body))) ||
  (n.type === "seq" && n.items.some(canFailEmpty));

/** Visits every node; lookarounds too (JavaScript backtracks into them like into any group). */
function walk(node: Node, visit: (n: Node) => void): void {
  visit(node);
  if (node.type === "seq") for (const i of node.items) walk(i, visit);
  else if (node.type === "alt") for (const o of node.options) walk(o, visit);
  else if (node.type === "group") walk(node.body, visit);
  else if (node.type === "quant") walk(node.body, visit);
}

/** What the checker finds in `/source/flags`; an empty list is the verdict "safe". */
export function checkRegex(source: string, flags = ""): Finding[] {
  const root = new Parser(source, flags).parse();
  const findings: Finding[] = [];
  walk(root, (n) => {
    // Nested: a repetition at the end of a round of an outer one can also take what starts the next
    // round, so one input splits into rounds in exponentially many ways. `(?:[a-z]+\.)+` is safe.
    if (n.type === "quant" && heavy(n))
      for (const inner of tailHeavy(n.body))
        if (inner !== n && overlaps(info(inner.body).all, info(n.body).first))
          findings.push({ kind: "nested", at: inner.src });
    if (n.type === "quant" && heavy(n)) {
      let body = n.body;
      while (body.type === "group" && !body.look) body = body.body;
      if (body.type === "alt") {
        const firsts = body.options.map((o) => info(o).first);
        if (firsts.some((a, i) => firsts.some((b, j) => j > i && overlaps(a, b))))
          findings.push({ kind: "ambiguous-alternation", at: n.src });
      }
    }
    if (n.type === "seq") {
      n.items.forEach((item, i) => {
        const tails = tailHeavy(item);
        if (tails.length === 0) return;
        // What the run at the end of item i can give back to the next one: `(?:[a-z]+\.)+` ends in `.`.
        const mine = union(...tails.map((t) => lastChars(t.body)));
        for (let j = i + 1; j < n.items.length; j++) {
          const other = n.items[j]!;
          if (heavy(other) && overlaps(mine, info(other).first)) {
            findings.push({ kind: "adjacent-overlap", at: `${tails[0]!.src} … ${(other as Quant).src}` });
            break;
          }
          if (!info(other).nullable) break;
        }
      });
    }
  });
  // Unanchored: from each start position in a run the repetition runs again to the run's end, then
  // fails — quadratic. Items before it that a run of its own characters also matches do not help.
  if (!flags.includes("y")) {
    const options = root.type === "alt" ? root.options : [root];
    for (const option of options) {
      const items = option.type === "seq" ? option.items : [option];
      for (let k = 0; k < items.length; k++) {
        const item = items[k]!;
        if (heavy(item)) {
          // A bounded repetition ({1,64}) does bounded work per start: linear in all.
          if (item.type !== "quant" || item.max !== Infinity) break;
          const rest = items.slice(k + 1);
          if (rest.some((i) => !info(i).nullable || canFailEmpty(i)))
            findings.push({ kind: "unanchored-scan", at: item.src });
          break;
        }
        // A prefix that anchors (^, a lookbehind) or needs a character outside the run stops the scan.
        if (canFailEmpty(item) || item.type === "empty") break;
        const chars = info(item).all;
        if (chars.size === 0 || [...chars].some((c) => !items.slice(k + 1).some((h) => heavy(h) && info(h).all.has(c))))
          break;
      }
    }
  }
  return findings;
}

export type FoundRegex = { file: string; line: number; source: string; flags: string; dynamic?: string };

/** Every regex literal in src/ (and the `new RegExp(…)` calls, listed separately: their text is code). */
export function regexesInSource(root = "."): { literals: FoundRegex[]; constructed: FoundRegex[] } {
  const literals: FoundRegex[] = [];
  const constructed: FoundRegex[] = [];
  for (const file of [...new Glob("src/**/*.{ts,tsx}").scanSync(root)].sort()) {
    const text = readFileSync(`${root}/${file}`, "utf8");
    const scan = scanSource(text, { jsx: file.endsWith(".tsx") });
    for (const token of scan.tokens) {
      if (token.kind !== "regex") continue;
      const end = token.value.lastIndexOf("/");
      literals.push({ file, line: token.line, source: token.value.slice(1, end), flags: token.value.slice(end + 1) });
    }
    for (const m of text.matchAll(/new RegExp\(/g)) {
      const line = text.slice(0, m.index).split("\n").length;
      constructed.push({
        file,
        line,
        source: "",
        flags: "",
        dynamic: text.slice(m.index, m.index + 120).split("\n")[0],
      });
    }
  }
  return { literals, constructed };
}

/** 100 KB strings built to make `source` backtrack: runs of each character its repetitions take, with bad endings. */
export function adversarialInputs(source: string, flags: string, size = 100_000): string[] {
  const root = new Parser(source, flags).parse();
  const pumps = new Set<string>();
  walk(root, (n) => {
    if (n.type !== "quant" || n.max < 2) return;
    const chars = [...info(n.body).all];
    // A few characters of each repeated set: its first, a letter, a digit, a space, a dot.
    for (const c of [chars[0], ...chars.filter((x) => /[a0 .:/@-]/.test(x)).slice(0, 3)]) if (c) pumps.add(c);
  });
  while (pumps.size > 5) pumps.delete([...pumps].at(-1)!);
  if (pumps.size === 0) pumps.add("a");
  // The literal start of the pattern, so the repetitions after it are reached.
  const prefix = /^\^?((?:[A-Za-z0-9:/_-]|\\[./-])*)/.exec(source)?.[1]?.replace(/\\/g, "") ?? "";
  const out: string[] = [];
  for (const p of pumps) {
    const run = p.repeat(Math.ceil(size / p.length)).slice(0, size);
    for (const ending of ["", "!", "\n", "@\u0000"]) out.push(run + ending, prefix + run + ending);
  }
  const [a, b] = [...pumps];
  if (a && b) out.push(`${a}${b}`.repeat(size / 2) + "!");
  return out;
}
