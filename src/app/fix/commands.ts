/**
 * Commands in pull-request comments: `/bplus fix [RULE ...]`, `/bplus check`, `/bplus help`.
 * Only a line that starts with the command counts (quoted replies `> /bplus fix` do not), and
 * only the first such line of a comment is read.
 */
export type Command = { name: 'fix'; rules: string[] } | { name: 'check' } | { name: 'help' } | { name: 'unknown'; word: string };

// `s`: the rest of a line is always `.*` to its end, so the word before it never backtracks.
const LINE = /^\/bplus(?:\s+(\S+))?(.*)$/s;

export function parseCommand(body: string | null | undefined): Command | undefined {
  if (!body) return undefined;
  let inFence = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith('```')) inFence = !inFence;
    if (inFence) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const word = (m[1] ?? 'help').toLowerCase();
    const rest = (m[2] ?? '').trim();
    if (word === 'fix') {
      const rules = rest
        .split(/[\s,]+/)
        .filter((r) => /^[A-Za-z][\w-]*$/.test(r))
        .map((r) => r.toUpperCase());
      return { name: 'fix', rules };
    }
    if (word === 'check' || word === 'review') return { name: 'check' };
    if (word === 'help') return { name: 'help' };
    return { name: 'unknown', word: word.slice(0, 40) };
  }
  return undefined;
}

export const HELP_TEXT = `**bplus** commands (in a comment on this pull request):

| command | what it does |
|---|---|
| \`/bplus fix\` | pushes one commit with every safe fix (default resources, autoscaling, ClusterIP, default-deny, SealedSecrets) |
| \`/bplus fix TR-K8S-3 TR-K8S-9\` | the same, for these rules only |
| \`/bplus check\` | reviews the head commit again |
| \`/bplus help\` | this message |

Only people with write, maintain or admin permission on the repository can make bplus push. Pull requests from forks get suggestions instead of a commit. bplus never pushes over a newer commit: if the branch moved, it pushes nothing and says so.`;
