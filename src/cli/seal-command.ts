/**
 * `bplus seal <secret.yaml> --cert <cert.pem> [--scope S] [--namespace NS] [--merge-into F]
 *  [--in-place] [-o OUT]`: kubeseal's offline mode, file in, file out.
 *
 * Output goes to -o, or back into the input (--in-place), or into the --merge-into file (as
 * kubeseal --merge-into does), else to stdout. Exit codes: 0 sealed, 1 sealing error, 2 usage.
 */
import { UsageError, usageFailure } from './args.ts';
import type { CliFileIO } from './io.ts';
import { loadSealingCertificate, type SealingCertificate } from '../seal/certificate.ts';
import { isSealingError } from '../seal/errors.ts';
import { parseScope, type SealingScope } from '../seal/scope.ts';
import { mergeSecretIntoYaml, sealSecretsInYaml, type SealYamlResult } from '../seal/secret-file.ts';

export const SEAL_USAGE = `Usage: bplus seal SECRET.yaml --cert CERT.pem [--scope strict|namespace-wide|cluster-wide]
                  [--namespace NS] [--merge-into SEALED.yaml] [--in-place] [-o OUT.yaml]

Replaces every Secret (data/stringData) in SECRET.yaml by a SealedSecret sealed with the
controller certificate CERT.pem (kubeseal --fetch-cert). Other documents and comments are kept.
  --merge-into F   seal the one Secret into the SealedSecret in F, keeping its other values'
                   ciphertext unchanged; F is rewritten unless -o is given
  --in-place       overwrite SECRET.yaml with the result
  -o OUT           write the result to OUT (default: stdout)
Exit codes: 0 sealed, 1 sealing error, 2 usage error.
`;

interface SealArgs {
  input: string;
  cert: string;
  scope: SealingScope | undefined;
  namespace: string | undefined;
  mergeInto: string | undefined;
  inPlace: boolean;
  output: string | undefined;
}

export async function runSealCommand(args: string[], io: CliFileIO): Promise<number> {
  let parsed: SealArgs | 'help';
  try {
    parsed = parseArgs(args);
  } catch (e) {
    if (!(e instanceof UsageError) && !isSealingError(e)) throw e;
    return usageFailure(io, 'seal', e, SEAL_USAGE);
  }
  if (parsed === 'help') {
    io.stdout(SEAL_USAGE);
    return 0;
  }

  const step = { what: '' };
  try {
    step.what = `reading certificate ${parsed.cert}`;
    const certificate = loadSealingCertificate(await io.readFile(parsed.cert));
    step.what = `reading ${parsed.input}`;
    const secretText = await io.readFile(parsed.input);
    step.what = '';
    const opts = { certificate, scope: parsed.scope, namespace: parsed.namespace };

    let result: SealYamlResult;
    let destination: string | undefined;
    if (parsed.mergeInto) {
      step.what = `reading ${parsed.mergeInto}`;
      const sealedText = await io.readFile(parsed.mergeInto);
      step.what = `merging ${parsed.input} into ${parsed.mergeInto}`;
      result = mergeSecretIntoYaml(secretText, sealedText, opts);
      destination = parsed.output ?? parsed.mergeInto;
    } else {
      step.what = `sealing ${parsed.input}`;
      result = sealSecretsInYaml(secretText, opts);
      destination = parsed.inPlace ? parsed.input : parsed.output;
    }
    step.what = '';
    if (result.sealed.length === 0) {
      io.stderr(`bplus seal: no Secret with data or stringData in ${parsed.input}; nothing to seal\n`);
      return 1;
    }

    if (destination) {
      step.what = `writing ${destination}`;
      await io.writeFile(destination, result.text);
    } else {
      io.stdout(result.text);
    }
    report(io, parsed, certificate, result, destination);
    return 0;
  } catch (e) {
    if (isSealingError(e)) {
      io.stderr(`bplus seal: ${step.what ? `${step.what}: ` : ''}${e.message}\n`);
      return 1;
    }
    if (step.what) {
      // Never echo an unexpected error's message: parsers and fs errors may quote file content.
      // A file-system error code (ENOENT, EACCES...) or the error's class is enough to act on.
      const code = (e as { code?: unknown }).code;
      const detail = typeof code === 'string' ? code : e instanceof Error ? `failed (${e.name})` : 'failed';
      io.stderr(`bplus seal: ${step.what}: ${detail}\n`);
      return 1;
    }
    throw e;
  }
}

function report(io: CliFileIO, args: SealArgs, certificate: SealingCertificate, result: SealYamlResult, destination: string | undefined): void {
  for (const s of result.sealed) {
    const id = s.namespace ? `${s.namespace}/${s.name}` : s.name;
    io.stderr(`sealed ${id}: ${s.keys.join(', ')}${destination ? ` -> ${destination}` : ''}\n`);
  }
  io.stderr(`certificate ${certificate.subject} (${certificate.fingerprint}) valid until ${certificate.notAfter.toISOString().slice(0, 10)}\n`);
  // TR-K8S-9: a value that has been in Git in clear text is compromised, sealing does not undo that.
  io.stderr(
    `reminder: if ${args.input} was ever committed or pushed with these values in clear text, they stay in Git history: rotate them, then seal the new values\n`,
  );
}

function parseArgs(args: string[]): SealArgs | 'help' {
  let input: string | undefined;
  let cert: string | undefined;
  let scope: SealingScope | undefined;
  let namespace: string | undefined;
  let mergeInto: string | undefined;
  let output: string | undefined;
  let inPlace = false;
  let optionsEnded = false;

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    // After `--` every argument is a file, even one named like an option.
    if (!optionsEnded && arg === '--') {
      optionsEnded = true;
      continue;
    }
    if (optionsEnded) {
      if (input !== undefined) throw new UsageError(`one input file only (got ${input} and ${arg})`);
      input = arg;
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = args[++i];
      if (next === undefined || next === '') throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        return 'help';
      case '--cert':
        cert = value();
        break;
      case '--scope':
        scope = parseScope(value());
        break;
      case '--namespace':
      case '-n':
        namespace = value();
        break;
      case '--merge-into':
        mergeInto = value();
        break;
      case '-o':
      case '--output':
        output = value();
        break;
      case '--in-place':
        if (eq > 0) throw new UsageError('--in-place takes no value');
        inPlace = true;
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${flag}`);
        if (input !== undefined) throw new UsageError(`one input file only (got ${input} and ${arg})`);
        input = arg;
    }
  }
  if (input === undefined) throw new UsageError('missing the Secret file to seal');
  if (input === '-') throw new UsageError('reading from stdin is not supported; pass a file');
  if (cert === undefined) throw new UsageError('missing --cert (the controller certificate, kubeseal --fetch-cert)');
  if (inPlace && output !== undefined) throw new UsageError('--in-place and -o are exclusive');
  if (inPlace && mergeInto !== undefined) {
    throw new UsageError('--in-place and --merge-into are exclusive (--merge-into already rewrites its file)');
  }
  return { input, cert, scope, namespace, mergeInto, inPlace, output };
}
