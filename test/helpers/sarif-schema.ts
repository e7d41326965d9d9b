/**
 * The SARIF 2.1.0 JSON schema (the OASIS schema as `@microsoft/jest-sarif` ships it) compiled with
 * ajv. The schema is draft-04; its only draft-04 spellings are `$schema` and the top-level `id`,
 * which ajv's default draft understands as `$id`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function sarifValidator(): (log: unknown) => string[] {
  const file = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  const schema = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // The schema's `language` pattern has a stray `]`, valid only without the u flag (as in the draft-04 validators it was written for).
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (log) => (validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));
}
