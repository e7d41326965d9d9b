import type { CliIO } from './main.ts';

export async function runFixCommand(_args: string[], io: CliIO): Promise<number> {
  io.stderr('bplus fix: not available yet in this build\n');
  return 2;
}
