/** The findings of `bplus check --format json`, checked to have the fields the tests read. */
import { z } from 'zod';

const jsonReport = z.object({ findings: z.array(z.object({ ruleId: z.string(), path: z.string() })) });

export function findingsOf(stdout: string): Array<{ ruleId: string; path: string }> {
  return jsonReport.parse(JSON.parse(stdout)).findings;
}
