/**
 * kind: command — components Upshift cannot look inside (Docker Compose, Helm, a package manager). The user's
 * `current` command says what is installed; `apply` and `rollback` move it. A version never becomes shell text:
 * list-form commands get it as one argument (`{version}` replaced inside that argument only), shell strings read it
 * from $UPSHIFT_VERSION.
 */
import { displayUserCommand } from '../../../shared/plan/index.js';
import { parseVersion, type Version } from '../../../shared/version/index.js';
import { UpshiftError } from '../errors.js';
import { formatExitReason, runArgv, runCommand } from '../process/index.js';
import type { UserCommand } from '../manifest/types.js';

/** What a command runs: argv with the version filled in, or the shell string and the environment it reads. */
export interface PreparedCommand {
  /** Shown in plans, logs and errors. */
  display: string;
  argv?: string[];
  shell?: string;
  env: Record<string, string>;
}

/** A normalised version (from parseVersion) holds only [0-9A-Za-z.+-]; anything else is refused, whatever its source. */
export function assertSafeVersion(version: string): void {
  if (!/^[0-9A-Za-z][0-9A-Za-z.+-]{0,99}$/.test(version)) {
    throw new UpshiftError('BAD_VERSION', `Refused to pass ${JSON.stringify(version)} to a command: a version may only hold letters, digits, ".", "+" and "-". Nothing was run.`, { category: 'usage' });
  }
}

export function prepareCommand(c: UserCommand, version: string | null, fromVersion: string | null = null): PreparedCommand {
  if (version !== null) assertSafeVersion(version);
  if (fromVersion !== null) assertSafeVersion(fromVersion);
  const env: Record<string, string> = {};
  if (version !== null) env.UPSHIFT_VERSION = version;
  if (fromVersion !== null) env.UPSHIFT_FROM_VERSION = fromVersion;
  if ('argv' in c) {
    const argv = c.argv.map((a, i) => (i === 0 || version === null ? a : a.replaceAll('{version}', version)));
    return { display: displayUserCommand(c, version), argv, env };
  }
  return { display: displayUserCommand(c, version), shell: c.shell, env };
}

/** The first word of `output` that reads as a version (`v2.29.1`, `2.29.1,` and `version=1.4` count). */
export function versionInOutput(output: string): Version | null {
  for (const raw of output.split(/[\s,;:()'"=]+/)) {
    const word = raw.replace(/^v(?=\d)/i, '');
    if (!/^\d/.test(word)) continue;
    const v = parseVersion(word);
    if (v) return v;
  }
  return null;
}

export interface CurrentFromCommand {
  version: Version | null;
  /** The command's output (first 4 KiB), for messages. */
  output: string;
}

/** Runs the `current` command (60 s limit) in `cwd` and reads the installed version from its output. */
export async function readCommandVersion(c: UserCommand, cwd: string, opts: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CurrentFromCommand> {
  const prepared = prepareCommand(c, null);
  const lines: string[] = [];
  let size = 0;
  const runOpts = {
    cwd,
    timeoutMs: opts.timeoutMs ?? 60_000,
    env: { ...process.env, ...prepared.env },
    ...(opts.signal ? { signal: opts.signal } : {}),
    onLine: (line: string) => {
      if (size < 4096) lines.push(line);
      size += line.length + 1;
    },
  };
  let result;
  try {
    result = prepared.argv ? await runArgv(prepared.argv[0]!, prepared.argv.slice(1), runOpts) : await runCommand(prepared.shell!, runOpts);
  } catch (err) {
    throw new UpshiftError('CURRENT_COMMAND_FAILED', `The \`current\` command \`${prepared.display}\` could not be started: ${(err as Error).message}`);
  }
  const output = lines.join('\n').slice(0, 4096);
  if (result.exitCode !== 0 || result.timedOut || result.aborted) {
    throw new UpshiftError('CURRENT_COMMAND_FAILED', `The \`current\` command \`${prepared.display}\` ${formatExitReason(result)}.${output ? ` Output:\n${output}` : ''}`, {
      retryable: true,
    });
  }
  return { version: versionInOutput(output), output };
}
