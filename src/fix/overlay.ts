/** The fixed tree as a source: the planned edits over the reviewed tree (nothing written anywhere). */
import type { RepositorySource, SourceEntry } from '../source/types.ts';

export class OverlaySource implements RepositorySource {
  readonly name: string;

  constructor(
    private readonly base: RepositorySource,
    private readonly edits: ReadonlyMap<string, string>,
  ) {
    this.name = `${base.name} (fixed)`;
  }

  async list(): Promise<SourceEntry[]> {
    const listed = await this.base.list();
    const out = listed.map((e) => (this.edits.has(e.path) ? { path: e.path, size: Buffer.byteLength(this.edits.get(e.path)!) } : e));
    const known = new Set(listed.map((e) => e.path));
    for (const [path, content] of this.edits) if (!known.has(path)) out.push({ path, size: Buffer.byteLength(content) });
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  read(path: string): Promise<Buffer> {
    const edited = this.edits.get(path);
    return edited === undefined ? this.base.read(path) : Promise.resolve(Buffer.from(edited, 'utf8'));
  }
}
