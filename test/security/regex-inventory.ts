/**
 * Every regular expression literal in src/ and rules/, found with the TypeScript parser (not by
 * grepping, which cannot tell a regex from a division or a path in a comment), and every
 * `new RegExp(...)` call site, whose pattern is built at run time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface RegexSite {
  file: string;
  line: number;
  source: string;
  flags: string;
}

/** Files whose patterns another change owns (the credential patterns are made linear with their rule). */
export const EXCLUDED_FILES = new Set(['src/engine/credentials.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

export function regexInventory(root = process.cwd()): { literals: RegexSite[]; constructed: RegexSite[] } {
  const literals: RegexSite[] = [];
  const constructed: RegexSite[] = [];
  for (const file of [...sourceFiles(path.join(root, 'src')), ...sourceFiles(path.join(root, 'rules'))]) {
    const relative = path.relative(root, file).split(path.sep).join('/');
    if (EXCLUDED_FILES.has(relative)) continue;
    const text = readFileSync(file, 'utf8');
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
    const visit = (node: ts.Node): void => {
      if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
        const literal = node.getText(sf);
        const end = literal.lastIndexOf('/');
        literals.push({ file: relative, line: lineOf(node), source: literal.slice(1, end), flags: literal.slice(end + 1) });
      } else if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
        if (ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
          constructed.push({ file: relative, line: lineOf(node), source: node.arguments?.[0]?.getText(sf) ?? '', flags: '' });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { literals, constructed };
}
