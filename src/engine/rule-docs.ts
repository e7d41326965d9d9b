/**
 * Rule documentation generated from rule metadata (ESLint's way): people write the rationale and
 * examples once, in the rule; pages, the README table and `bplus rules` are derived from it.
 */
import { coreRules } from './core-rules.ts';
import type { Rule } from './rule.ts';

export function ruleDocPage(rule: Rule): string {
  const m = rule.meta;
  const lines = [
    `<!-- generated from rules/${m.id}.ts by \`npm run docs\`; edit the rule's metadata, not this file -->`,
    `# ${m.id}: ${m.title.en}`,
    '',
    `*${m.title.ru}*`,
    '',
    `| level | pack | fixable |`,
    `|---|---|---|`,
    `| ${m.level} | ${m.pack} | ${m.fixable ? 'yes' : 'no'} |`,
    '',
    m.description.en,
    '',
    `> ${m.description.ru}`,
    '',
    '## Details',
    '',
    m.docs.details,
    '',
    '## Incorrect',
    '',
    '```yaml',
    m.docs.incorrect,
    '```',
    '',
    '## Correct',
    '',
    '```yaml',
    m.docs.correct,
    '```',
    '',
  ];
  for (const example of m.docs.examples ?? []) {
    lines.push(`### ${example.concern}`, '', 'Incorrect:', '', '```yaml', example.incorrect, '```', '', 'Correct:', '', '```yaml', example.correct, '```', '');
  }
  if (m.options) {
    lines.push(
      '## Options',
      '',
      `Set with \`rules: { ${m.id}: [${m.level}, { ... }] }\` in \`.github/bplus.yml\`; unknown options and wrong types are configuration failures.`,
      '',
      '| option | default | meaning |',
      '|---|---|---|',
    );
    const shape = (m.options.schema as unknown as { shape?: Record<string, { description?: string }> }).shape ?? {};
    for (const [name, field] of Object.entries(shape))
      lines.push(`| \`${name}\` | \`${JSON.stringify(m.options.defaults[name])}\` | ${escapeCell(field.description ?? '')} |`);
    lines.push('');
  }
  if (m.peers?.length) lines.push('## Peer checks covered', '', ...m.peers.map((p) => `- ${p}`), '');
  if (m.docs.fix) lines.push('## Fix', '', m.docs.fix, '');
  lines.push('## Messages', '', '| id | English | Русский |', '|---|---|---|');
  for (const [id, text] of Object.entries(m.messages)) lines.push(`| ${id} | ${escapeCell(text.en)} | ${escapeCell(text.ru)} |`);
  lines.push(
    '',
    'Waive it for one object only with a written reason:',
    '',
    '```yaml',
    'metadata:',
    '  annotations:',
    `    bplus.io/exception-${m.id}: "<why this object may differ, with a ticket>"`,
    '```',
    '',
  );
  return lines.join('\n');
}

export function rulesTable(rules: readonly Rule[]): string {
  const rows = [...rules, ...coreRules].map(
    (r) =>
      `| [${r.meta.id}](docs/rules/${r.meta.id}.md) | ${r.meta.title.en} | ${r.meta.level} | ${r.meta.pack} | ${r.meta.fixable ? 'yes' : ''} | ${escapeCell((r.meta.peers ?? []).join(', '))} |`,
  );
  return ['| rule | what it requires | level | pack | autofix | peer checks covered |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
