/**
 * The static shape of a Helm template, for LOCATING only (never for judging: the rules judge
 * what Helm renders). For every line that writes a YAML key it knows:
 *
 * - the key path from the root of the object the template (or `define`) writes, by indentation,
 *   list items marked `-` (a key written by an action counts as a wildcard `*`);
 * - the `if` / `with` / `range` actions that enclose it (why the key may not be rendered);
 * - the values paths the line and its block read: `.Values.a.b`, `$.Values…`, `.root.Values…`,
 *   variables bound with `$x := .Values.a | default dict`, and `.` inside `with .Values.a`.
 *
 * It survives everyday Helm idioms because it never parses YAML: `{{- include … | nindent 4 }}`
 * followed by literal keys, `if`/`else` branches that set the same key, `toYaml` filling a list
 * item, actions inside `|` blocks, two actions on one line.
 */

import { templateKeyOfLine } from './key-line.ts';
import { blankTemplateComments, variableBindings } from './template-scan.ts';

export interface TemplateLine {
  /** 1-based line number in the file. */
  line: number;
  /** 1-based column of the key. */
  column: number;
  endColumn: number;
  /** Key path relative to the region's root; `-` marks a list item, `*` a templated key. */
  keys: string[];
  /** The same path with each `-` replaced by the item's position among its literal siblings. */
  indexed: Array<string | number>;
  indent: number;
  /** Values paths read by the enclosing `if`/`with`/`range` actions, innermost first. */
  guards: string[][];
  /** Values paths read on the line itself and by the actions of its block (deeper lines). */
  reads: string[][];
}

export interface TemplateRegion {
  /** `define` name, or undefined for the file's top level. */
  define?: string;
  /** Kinds written at the region's root (`kind: Deployment` at the lowest indentation). */
  kinds: string[];
  lines: TemplateLine[];
}

export interface TemplateStructure {
  regions: TemplateRegion[];
  /**
   * Values paths an action compares, does arithmetic on or converts (`eq .Values.type "NodePort"`,
   * `gt $replicas 1`, `add .Values.port 1`, `int .Values.x`): a marker in their place would change
   * what Helm renders, so the marker render keeps their real values.
   */
  compared: string[][];
}

/** Functions whose result a marker would change (comparisons, arithmetic, conversions, cuts). */
const CONTROL_FUNCTIONS =
  /(?:^|[\s(|])(eq|ne|lt|le|gt|ge|has|hasKey|hasPrefix|hasSuffix|contains|regexMatch|mustRegexMatch|regexFind|semverCompare|add|add1|sub|mul|div|mod|max|min|floor|ceil|round|until|untilStep|int|int64|float64|atoi|trunc|substr|splitList|split|ternary|b64dec|fromYaml|fromJson)(?=$|[\s)|])/;

interface Action {
  start: number;
  end: number;
  body: string;
}

const VALUES_REF = /(?:\$|\.root|\.Root)?\.Values((?:\.[A-Za-z_][\w-]*)+)/g;
const VAR_REF = /\$([A-Za-z_]\w*)((?:\.[A-Za-z_][\w-]*)*)/g;

/**
 * Every `{{ … }}` action. A scan, not `/\{\{-?([\s\S]*?)-?\}\}/g`: that lazy pattern walks to the
 * end of the text from every `{{` that is never closed, quadratic on a template of many `{{`.
 * Once no `}}` follows, no later `{{` can be closed either, so the scan stops there.
 */
function actionsOf(text: string): Action[] {
  const out: Action[] = [];
  for (let open = text.indexOf('{{'); open !== -1;) {
    const close = text.indexOf('}}', open + 2);
    if (close === -1) break;
    let body = text.slice(open + 2, close);
    if (body.startsWith('-')) body = body.slice(1);
    if (body.endsWith('-')) body = body.slice(0, -1);
    body = body.trim();
    if (!body.startsWith('/*')) out.push({ start: open, end: close + 2, body });
    open = text.indexOf('{{', close + 2);
  }
  return out;
}

/** Replaces every action by spaces of the same length (lines and columns stay true). */
function blankActions(text: string, actions: Action[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const a of actions) {
    parts.push(text.slice(at, a.start));
    const action = text.slice(a.start, a.end);
    if (action.includes('\n')) {
      parts.push(action.replace(/[^\n]/g, ' '));
    } else {
      // A one-line action keeps a mark where it starts: a key written by an action is a wildcard.
      parts.push('\uE000' + ' '.repeat(action.length - 1));
    }
    at = a.end;
  }
  parts.push(text.slice(at));
  // Template comments are blanked too.
  return blankTemplateComments(parts.join(''));
}

export function analyzeTemplate(text: string): TemplateStructure {
  const actions = actionsOf(text);
  const blanked = blankActions(text, actions);
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  // Block structure: which actions are open at each line, and the variables in scope.
  interface Block {
    kind: string;
    reads: string[][];
    dot?: string[];
  }
  const regions: TemplateRegion[] = [];
  let region: TemplateRegion = { kinds: [], lines: [] };
  regions.push(region);
  const stack: Block[] = [];
  const vars = new Map<string, string[]>();
  const actionsByLine = new Map<number, Action[]>();
  for (const a of actions) {
    const l = lineOf(a.start);
    actionsByLine.set(l, [...(actionsByLine.get(l) ?? []), a]);
  }

  const dotPath = (): string[] | undefined => {
    for (let i = stack.length - 1; i >= 0; i--) {
      const b = stack[i]!;
      if (b.kind === 'define') return undefined;
      if (b.dot) return b.dot;
    }
    return undefined;
  };
  const readsOf = (body: string): string[][] => {
    const out: string[][] = [];
    VALUES_REF.lastIndex = 0;
    for (let m = VALUES_REF.exec(body); m; m = VALUES_REF.exec(body)) out.push(m[1]!.slice(1).split('.'));
    VAR_REF.lastIndex = 0;
    for (let m = VAR_REF.exec(body); m; m = VAR_REF.exec(body)) {
      const base = vars.get(m[1]!);
      if (base) out.push([...base, ...(m[2] ? m[2].slice(1).split('.') : [])]);
    }
    const dot = dotPath();
    if (dot) {
      // `.` and `.field` inside `with .Values.x` / `range .Values.x` (not `.Values`, `.Release`…).
      const rest = body
        .replace(VALUES_REF, ' ')
        .replace(VAR_REF, ' ')
        .replace(/"[^"]*"/g, ' ');
      for (const m of rest.matchAll(/(^|[\s(|])\.([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)?(?=$|[\s)|])/g)) {
        const field = m[2];
        if (field && /^(Release|Chart|Capabilities|Template|Files|Values|root)\b/.test(field)) continue;
        out.push(field ? [...dot, ...field.split('.')] : dot);
      }
    }
    return out;
  };
  const bindVars = (body: string): void => {
    for (const { name: variable, target } of variableBindings(body)) {
      if (target.startsWith('$') && !target.startsWith('$.')) {
        const [name, ...rest] = target.slice(1).split('.');
        const base = vars.get(name!);
        if (base) vars.set(variable, [...base, ...rest]);
      } else {
        const path = /Values((?:\.[A-Za-z_][\w-]*)*)/.exec(target)?.[1];
        vars.set(variable, path ? path.slice(1).split('.') : []);
      }
    }
  };
  const compared: string[][] = [];
  const applyAction = (a: Action): void => {
    const body = a.body.replace(/^-\s*/, '');
    // Also a template name built from a value: `include (printf "x.%s" .Values.kind) .`.
    if (CONTROL_FUNCTIONS.test(body) || /\b(?:include|template)\s*\(\s*printf\b/.test(body)) compared.push(...readsOf(body));
    const word = /^(\w+)/.exec(body)?.[1];
    if (word === 'define') {
      stack.push({ kind: 'define', reads: [] });
      vars.clear();
      region = { define: /"([^"]+)"/.exec(body)?.[1], kinds: [], lines: [] };
      regions.push(region);
    } else if (word === 'if' || word === 'with' || word === 'range') {
      const reads = readsOf(body.slice(word.length));
      const block: Block = { kind: word, reads };
      if (word !== 'if') {
        const first = reads[0];
        // `range $k, $v := .Values.x` binds variables; `with`/`range` rebind the dot.
        const bind = /\$([A-Za-z_]\w*)\s*:=/.exec(body);
        const bindPair = /\$([A-Za-z_]\w*)\s*,\s*\$([A-Za-z_]\w*)\s*:=/.exec(body);
        if (first) {
          if (bindPair) vars.set(bindPair[2]!, first);
          else if (bind) vars.set(bind[1]!, first);
          block.dot = first;
        }
      }
      stack.push(block);
    } else if (word === 'else') {
      const top = stack[stack.length - 1];
      if (top && /^else\s+(if|with)\b/.test(body)) top.reads = [...top.reads, ...readsOf(body.replace(/^else\s+(if|with)/, ''))];
    } else if (word === 'end') {
      const closed = stack.pop();
      if (closed?.kind === 'define') {
        region = { kinds: [], lines: [] };
        regions.push(region);
      }
    } else {
      bindVars(body);
    }
  };

  // Key lines: indentation stack per region.
  let keyStack: Array<{ indent: number; keys: string[]; indexed: Array<string | number>; line?: TemplateLine }> = [];
  let ordinals = new Map<string, number>();
  let currentRegion = region;
  const allLines = blanked.split('\n');
  const rawLines = text.split('\n');
  let blockScalarIndent = -1;
  for (let l = 0; l < allLines.length; l++) {
    const lineActions = actionsByLine.get(l) ?? [];
    if (blockScalarIndent >= 0) {
      const text = allLines[l]!;
      const indent = /^\s*/.exec(text)![0].length;
      if (text.trim() === '' || indent > blockScalarIndent) {
        // Inside a `|` / `>` block: no keys here, but its actions still read values for the block's key.
        const last = region.lines[region.lines.length - 1];
        for (const a of lineActions) {
          if (last) last.reads.push(...readsOf(a.body));
          applyAction(a);
        }
        continue;
      }
      blockScalarIndent = -1;
    }
    if (/^---\s*$/.test(allLines[l]!) && region.lines.length > 0) {
      // Each document of a template (or of a `define`) writes its own object.
      region = { define: region.define, kinds: [], lines: [] };
      regions.push(region);
    }
    const beforeKey: Action[] = [];
    const afterKey: Action[] = [];
    const raw = rawLines[l]!;
    const blank = allLines[l]!;
    const m = templateKeyOfLine(blank);
    const keyColumn = m ? m.indent.length + m.dashes.length : -1;
    for (const a of lineActions) (m && a.start - lineStarts[l]! < keyColumn ? beforeKey : afterKey).push(a);
    for (const a of m ? beforeKey : []) applyAction(a);
    if (region !== currentRegion) {
      currentRegion = region;
      keyStack = [];
      ordinals = new Map();
    }
    if (m) {
      const indent = m.indent.length;
      const dashes = (m.dashes.match(/-/g) ?? []).length;
      while (keyStack.length > 0 && keyStack[keyStack.length - 1]!.indent >= indent) keyStack.pop();
      const parent = keyStack[keyStack.length - 1]?.keys ?? [];
      const parentIndexed = keyStack[keyStack.length - 1]?.indexed ?? [];
      const rawKey = m.key.includes('\uE000') ? '*' : m.key.replace(/^["']|["']$/g, '').trim();
      const keys = [...parent, ...Array<string>(dashes).fill('-'), rawKey];
      const itemIndexed: Array<string | number> = [...parentIndexed];
      for (let d = 0; d < dashes; d++) {
        const at = JSON.stringify(itemIndexed);
        const ordinal = (ordinals.get(at) ?? -1) + 1;
        ordinals.set(at, ordinal);
        itemIndexed.push(ordinal);
      }
      const indexed = [...itemIndexed, rawKey];
      const contentIndent = indent + m.dashes.length;
      keyStack.push({ indent: contentIndent, keys, indexed });
      if (dashes > 0) keyStack.splice(keyStack.length - 1, 0, { indent, keys: [...parent, ...Array<string>(dashes).fill('-')], indexed: itemIndexed });
      const lineReads = afterKey.flatMap((a) => readsOf(a.body));
      const entry: TemplateLine = {
        line: l + 1,
        column: contentIndent + 1,
        endColumn: raw.length + 1,
        keys,
        indexed,
        indent: contentIndent,
        guards: stack
          .filter((b) => b.kind !== 'define')
          .map((b) => b.reads)
          .reverse()
          .flat(),
        reads: lineReads,
      };
      region.lines.push(entry);
      keyStack[keyStack.length - 1]!.line = entry;
      if (/:\s*[|>][-+0-9]*\s*$/.test(blank)) blockScalarIndent = indent + (dashes > 0 ? m.dashes.length : 0);
      if (rawKey === 'kind' && keys.length === 1) {
        const kind = /:\s*([A-Za-z][\w]*)\s*$/.exec(raw)?.[1];
        if (kind) region.kinds.push(kind);
      }
      for (const a of afterKey) applyAction(a);
    } else {
      const item = /^(\s*)((?:-(?:\s+|$))+)(?:\uE000|$)/.exec(blank);
      if (item) {
        // `- {{ toYaml … }}`: a list item an action fills; literal keys below it belong to it.
        const indent = item[1]!.length;
        while (keyStack.length > 0 && keyStack[keyStack.length - 1]!.indent >= indent) keyStack.pop();
        const parentKeys = keyStack[keyStack.length - 1]?.keys ?? [];
        const parentIndexed = keyStack[keyStack.length - 1]?.indexed ?? [];
        const at = JSON.stringify(parentIndexed);
        const ordinal = (ordinals.get(at) ?? -1) + 1;
        ordinals.set(at, ordinal);
        const itemLine: TemplateLine = {
          line: l + 1,
          column: indent + 1,
          endColumn: raw.length + 1,
          keys: [...parentKeys, '-'],
          indexed: [...parentIndexed, ordinal],
          indent: indent + 2,
          guards: stack
            .filter((b) => b.kind !== 'define')
            .map((b) => b.reads)
            .reverse()
            .flat(),
          reads: lineActions.flatMap((a) => (/^-?\s*(if|with|range|else|end|define)\b/.test(a.body) ? [] : readsOf(a.body))),
        };
        keyStack.push({ indent, keys: [...parentKeys, '-'], indexed: [...parentIndexed, ordinal], line: itemLine });
        region.lines.push(itemLine);
        for (const a of lineActions) applyAction(a);
        continue;
      }
      // An action-only (or text) line: what it reads belongs to the key whose block its output
      // lands in — by `nindent N` / `indent N` when it says, else by the line's own indentation.
      const lineIndent = /^\s*/.exec(raw)![0].length;
      for (const a of lineActions) {
        const word = /^-?\s*(\w+)/.exec(a.body)?.[1];
        const isControl = word === 'if' || word === 'with' || word === 'range' || word === 'else' || word === 'end' || word === 'define';
        if (!isControl && !/:=/.test(a.body)) {
          const declared = /\bn?indent\s+(\d+)/.exec(a.body);
          const depth = declared ? Number(declared[1]) : lineIndent + 1;
          let owner: TemplateLine | undefined;
          for (let i = keyStack.length - 1; i >= 0 && !owner; i--) if (keyStack[i]!.indent < depth) owner = keyStack[i]!.line;
          owner?.reads.push(...readsOf(a.body));
        }
        applyAction(a);
      }
    }
  }
  return { regions: regions.filter((r) => r.lines.length > 0), compared };
}
