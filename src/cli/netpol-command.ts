import type { CliIO } from './main.ts';

export async function runNetpolCommand(_args: string[], io: CliIO): Promise<number> {
  io.stderr('bplus netpol: not available yet in this build\n');
  return 2;
}
