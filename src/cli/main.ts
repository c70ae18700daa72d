// `azure-dev-auth`: the command line of the chain engine. `chain` answers which DefaultAzureCredential source the
// user's Python code gets its token from, as the installed azure-identity decides, with --json giving exactly the
// ChainReport shape. Exit codes: 0 token, 1 the chain fails (or DefaultAzureCredential() raises), 2 usage/input error.
import { evaluateChain } from '../core/chain/engine';
import { chainInputsFor, interpreterFactsOf, type InterpreterFacts } from '../core/engineInput';
import { mergeDotEnv, processEnvironment } from '../core/chain/env';
import { ALL_CREDENTIALS, type ChainReport, type CredentialName, type KeywordArguments } from '../core/chain/types';
import { chainOrderFor, familyFor, familyLabel, parseVersion } from '../core/chain/versions';
import { describeSource, displayName, firstLine, formatExpiry, fullIdentity, verdictHeadline } from '../core/presentation/chainRows';
import { disagreementLabel, fixChoice } from '../core/presentation/disagreementRow';
import { detectAzureIdentity, verifyWithPython } from '../core/python';
import { which } from '../core/chain/pythonText';
import { resolveProgram, WorkspaceProgramError } from '../core/chain/workspacePrograms';
import { accessHelp, AccessUsageError, runAccess } from './access';
import { fitToWidth, inert, inertStrings } from './terminalText';
import { columns, paragraph } from './helpText';
import * as l10n from '@vscode/l10n';
import { useLocaleCatalog } from '../core/catalog';
import { codeCallLines, CodeLocationError, parseCodeLocation, readCodeCall, type CodeLocation } from '../core/code/codeModel';
import { verifyMembers } from '../core/chain/chained';
import { FileRefusedError } from '../core/files/boundedRead';
import { withCodeKeywords } from '../core/presentation/settings';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

// Help texts fit 100 columns; each command has its own. They are made when asked for, after the catalog is set.
function help(): string {
  return `azure-dev-auth: ${l10n.t('which DefaultAzureCredential source your Python code will use, as whom')}

${l10n.t('Usage:')}
${columns([
    ['azure-dev-auth chain [options]', l10n.t('the chain: the active source, and why not the others')],
    ['azure-dev-auth whoami [options]', l10n.t('who the active source signs in as')],
    ['azure-dev-auth roles [options]', l10n.t('groups, role assignments and insights of that identity')],
    ['azure-dev-auth COMMAND --help', l10n.t('the options of a command')],
  ], 37)}

${paragraph(l10n.t('Exit status: 0 answered ({0}: a token), 1 the chain fails, raises or was not checked ({1},\n{2}: no token or the load failed), 2 usage or input error, 130 cancelled (Ctrl+C).', 'chain', 'whoami', 'roles'))}
`;
}

function chainHelp(): string {
  return `azure-dev-auth chain: ${l10n.t("your azure-identity's chain: the active source, why not the others")}

${l10n.t('Usage:')} azure-dev-auth chain [options]
${columns([
    ['--json', l10n.t('print the report as JSON (the ChainReport shape)')],
    ['--python PATH', l10n.t('interpreter whose azure-identity decides the rules\n(default: python3 on PATH when it has azure-identity)')],
    ['--azure-identity-version V', l10n.t('model this azure-identity version (wins over {0}\'s)', '--python')],
    ['--code FILE[:LINE]', l10n.t('model the {0} or {1}\nFILE builds (the call at or after LINE, else the first); {2},\n{3} and {4} override its keyword arguments', 'DefaultAzureCredential(...)', 'ChainedTokenCredential(...)', '--exclude', '--include', '--process-timeout')],
    ['--dotenv FILE', l10n.t('merge this .env file into the environment (its values win);\n{0} is the same where Node leaves it alone (after "{1}")', '--env-file', '--')],
    ['--exclude NAME', l10n.t('{0} for this credential class (repeatable)', 'exclude_<…>=True')],
    ['--include NAME', l10n.t('{0} for this credential class (repeatable)', 'exclude_<…>=False')],
    ['--process-timeout S', l10n.t('{0} seconds for az, azd and Azure PowerShell', 'process_timeout=S')],
    ['--require-envvar', l10n.t('{0} (1.25+): raise without {1}', 'require_envvar=True', 'AZURE_TOKEN_CREDENTIALS')],
    ['--verify', l10n.t('also run the real DefaultAzureCredential in the interpreter, compare')],
    ['--allow-host HOST', l10n.t('let a check send a secret to {0} although it is neither a Microsoft\nEntra authority nor loopback (repeatable); else "not checked"', 'HOST')],
    ['--allow-workspace-programs', l10n.t('also run az, azd, pwsh and python3 that only a PATH entry of {0}\nfinds (a repository\'s own bin/az); else "not checked"', '--dotenv')],
    ['--utc', l10n.t("times in UTC (default: this machine's time zone)")],
  ], 30)}

${l10n.t('Credential names:')} ${wrapList(ALL_CREDENTIALS, 96)}
${paragraph(l10n.t('Exit status: 0 the chain yields a token, 1 it fails, DefaultAzureCredential() raises or the deciding\nsource was not checked, 2 usage or input error.'))}
`;
}

/** l10n/ of the product: beside dist/ for the bundle (dist/engine.js), two up from src/cli when run from sources. */
function l10nDirectory(): string {
  const bundled = join(__dirname, '..', 'l10n');
  return existsSync(join(bundled, 'bundle.l10n.json')) ? bundled : join(__dirname, '..', '..', 'l10n');
}

/** Words joined with ", ", broken into lines of at most `width` columns. */
function wrapList(words: readonly string[], width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line}, ${word}` : word;
    if (next.length + 1 > width && line) { lines.push(`${line},`); line = word; } else line = next;
  }
  lines.push(`${line}.`);
  return `\n  ${lines.join('\n  ')}`;
}

class UsageError extends Error {}

export interface ChainOptions {
  json: boolean;
  python: string | undefined;
  version: string | undefined;
  envFile: string | undefined;
  exclude: Partial<Record<CredentialName, boolean>>;
  processTimeout: number | undefined;
  /** require_envvar=True; undefined: not passed. */
  requireEnvvar: boolean | undefined;
  verify: boolean;
  allowHosts: string[];
  allowWorkspacePrograms: boolean;
  /** `--code FILE[:LINE]`: the credential construction of that file is modelled. */
  code?: CodeLocation;
}

function credentialName(value: string, flag: string): CredentialName {
  const found = ALL_CREDENTIALS.find((name) => name.toLowerCase() === value.toLowerCase());
  if (!found) throw new UsageError(l10n.t('{0}: not a credential class name. Use one of: {1}.', `${flag} ${value}`, ALL_CREDENTIALS.join(', ')));
  return found;
}

export function parseChainArgs(args: readonly string[]): ChainOptions {
  const options: ChainOptions = {
    json: false, python: undefined, version: undefined, envFile: undefined, exclude: {}, processTimeout: undefined, requireEnvvar: undefined,
    verify: false, allowHosts: [], allowWorkspacePrograms: false,
  };
  for (let i = 0; i < args.length; i++) {
    const raw = args[i]!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const next = args[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new UsageError(l10n.t('{0} needs a value.', flag));
      i++;
      return next;
    };
    const noValue = (): void => { if (eq > 0) throw new UsageError(l10n.t('{0} takes no value.', flag)); };
    switch (flag) {
      case '--json': noValue(); options.json = true; break;
      case '--verify': noValue(); options.verify = true; break;
      case '--allow-workspace-programs': noValue(); options.allowWorkspacePrograms = true; break;
      case '--require-envvar': noValue(); options.requireEnvvar = true; break;
      case '--python': options.python = value(); break;
      case '--code':
        try { options.code = parseCodeLocation(value()); } catch (error) {
          throw error instanceof CodeLocationError ? new UsageError(error.message) : error;
        }
        break;
      case '--dotenv':
      case '--env-file': options.envFile = value(); break;
      case '--azure-identity-version': {
        const v = value();
        if (!parseVersion(v)) throw new UsageError(l10n.t('{0}: not a version (expected something like 1.23.1 or 1.13.0b2).', `--azure-identity-version ${v}`));
        options.version = v;
        break;
      }
      case '--exclude':
      case '--include': {
        const name = credentialName(value(), flag);
        const wanted = flag === '--exclude';
        if (options.exclude[name] !== undefined && options.exclude[name] !== wanted) {
          throw new UsageError(l10n.t('{0} is given to both {1} and {2}.', name, '--exclude', '--include'));
        }
        options.exclude[name] = wanted;
        break;
      }
      case '--process-timeout': {
        const v = value();
        const seconds = Number(v);
        if (!/^\d+(\.\d+)?$/.test(v.trim()) || !(seconds > 0)) throw new UsageError(l10n.t('{0}: expected a positive number of seconds.', `--process-timeout ${v}`));
        options.processTimeout = seconds;
        break;
      }
      case '--allow-host': {
        const host = value().trim();
        // A host name or IP literal, not a URL: what the prompt in the editor asks about too.
        if (!/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?)$/i.test(host)) {
          throw new UsageError(l10n.t('{0}: expected a host name such as login.example.com (no scheme, port or path).', `--allow-host ${host}`));
        }
        options.allowHosts.push(host);
        break;
      }
      default:
        throw new UsageError(raw.startsWith('-') ? l10n.t('Unknown option {0}.', raw) : l10n.t('Unexpected argument {0}.', raw));
    }
  }
  return options;
}

function pad(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : text + ' '.repeat(width - length);
}

/** A multi-line message (the chain's aggregate error): each line inert, the lines (and their tab indents) kept. */
function inertLines(text: string, width: number): string {
  return text.split('\n').map((line) => line.split('\t').map((part) => inert(part, width)).join('\t')).join('\n');
}

/** The readable table: one row per source in chain order, then the verdict. */
export function formatReport(report: ChainReport, context: { pythonPath?: string; columns?: number }): string {
  const columns = Math.max(80, context.columns ?? 120);
  // Messages and names come from tools, files and the tenant: every one is made inert before it is laid out.
  // Messages keep their lines (the table shows a first line, the verdict all of them); names fold theirs.
  const width = columns * 4;
  report = {
    ...inertStrings(report, width),
    sources: report.sources.map((s) => ({ ...inertStrings(s, width), message: inertLines(s.message, width) })),
    verdict: { ...inertStrings(report.verdict, width), message: inertLines(report.verdict.message, width) },
  };
  if (context.pythonPath !== undefined) context = { ...context, pythonPath: inert(context.pythonPath, columns) };
  const lines: string[] = [];
  // The call the check modelled (`--code`): its text comes from a repository's file, so every line is inert.
  if (report.code) lines.push(...codeCallLines(report.code, report.code.overrides).map((line) => inert(line, width)), '');
  const from = report.versionSource === 'python' ? (context.pythonPath !== undefined ? l10n.t('from {0}', context.pythonPath) : l10n.t('from the interpreter'))
    : report.versionSource === 'flag' ? l10n.t('from {0}', '--azure-identity-version') : l10n.t('not detected: newest rules');
  lines.push(`azure-identity ${report.azureIdentityVersion} (${from})${report.behaviour ? ` · ${l10n.t('rules of {0}', report.behaviour)}` : ''}`);
  if (report.rules) {
    lines.push(report.rules.verifyAdvised
      ? l10n.t('{0} — run again with {1} to check it with Python.', report.rules.summary, '--verify')
      : `${report.rules.summary}.`);
    lines.push(l10n.t('Predictions are checked against the real azure-identity {0}.', report.rules.checkedVersions.join(', ')));
  }
  lines.push('');
  const lone = report.code !== undefined && 'lone' in report.code;
  const rows = report.sources.map((source, index) => {
    const model = describeSource(source, false, Date.now(), lone);
    const time = source.status === 'excluded' ? '—' : l10n.t('{0} ms', source.elapsedMs);
    return [String(index + 1), displayName(source.credential), inert(model.description, 60), time, firstLine(source.message)];
  });
  const header = ['#', l10n.t('Source'), l10n.t('Result'), l10n.t('Time'), l10n.t('Details')];
  const widths = [0, 1, 2, 3].map((c) => Math.max(header[c]!.length, ...rows.map((r) => [...r[c]!].length)));
  const detailWidth = Math.max(20, columns - widths.reduce((a, b) => a + b + 2, 0) - 2);
  const render = (r: string[]): string => `  ${r.slice(0, 4).map((cell, c) => pad(cell, widths[c]!)).join('  ')}  ${inert(r[4]!, detailWidth)}`.trimEnd();
  lines.push(render(header));
  for (const row of rows) lines.push(render(row));
  lines.push('');
  lines.push(verdictHeadline(report.verdict, report.sources));
  const decisive = report.sources.find((s) => s.decisive);
  if (report.verdict.outcome === 'token' && decisive?.expiresOn) lines.push(l10n.t('Token expires {0}.', formatExpiry(decisive.expiresOn)));
  if (report.verdict.outcome !== 'token') lines.push('', report.verdict.message);
  const unchecked = [...new Set(report.sources.filter((s) => s.reached && s.unverifiedHost).map((s) => s.unverifiedHost))];
  for (const host of unchecked) lines.push(l10n.t('To check it, run again with {0} (only if you trust {1}).', `--allow-host ${host}`, host!));
  if (report.sources.some((s) => s.reached && s.unverifiedProgram)) {
    lines.push(l10n.t("To run the workspace's programs, run again with {0} (only if you trust this repository).", '--allow-workspace-programs'));
  }
  const disagreement = report.disagreement;
  if (disagreement) {
    // Names come from token claims: inert, like every other name here.
    lines.push('', inert(disagreementLabel(disagreement), columns));
    for (const other of disagreement.others.filter((o) => o.difference !== 'same')) {
      lines.push(`  ${displayName(other.credential)}: ${inert(fullIdentity(other.identity) ?? '?', columns)}${other.identity.tenantId ? ` ${l10n.t('(tenant {0})', inert(other.identity.tenantId, 80))}` : ''}`);
    }
    if (disagreement.configuredTenant) lines.push(`  AZURE_TENANT_ID: ${inert(disagreement.configuredTenant, 80)}`);
    for (const fix of disagreement.fixes) lines.push(`  ${l10n.t('Fix: {0}', inert(fixChoice(fix, disagreement, report.azureIdentityVersion).label, columns))}`);
  }
  for (const note of report.notes ?? []) lines.push(l10n.t('Note: {0}', note));
  const verification = report.verification;
  if (verification) {
    lines.push('');
    if (verification.agrees) {
      lines.push(l10n.t('Verified: the real azure-identity {0} in {1} agrees.', verification.azureIdentityVersion, verification.python));
    } else {
      lines.push(l10n.t('Verification with azure-identity {0} in {1} found differences:', verification.azureIdentityVersion, verification.python));
      for (const d of verification.differences) lines.push(`  - ${d}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The chain report for parsed options (and the interpreter that decided the version, when one did). */
export async function chainReportFor(
  options: ChainOptions, signal: AbortSignal, baseEnv: Record<string, string> = processEnvironment(),
): Promise<{ report: ChainReport; python: string | undefined; pythonUsed: boolean; env: Record<string, string>; keywordArguments: KeywordArguments }> {
  let env = baseEnv;
  // PATH as the user has it: a tool found through an entry only the .env adds is not run without consent.
  const trustedPath = options.allowWorkspacePrograms ? undefined : env.PATH ?? '';
  if (options.envFile) {
    try {
      env = await mergeDotEnv(env, options.envFile, signal);
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') throw error;
      throw new UsageError((error as Error).message);
    }
  }

  // The code's call first: a file that cannot be read or holds no call is a usage error before anything runs.
  const code = options.code ? await codeCall(options.code, signal) : undefined;
  const version = options.version;
  // What the interpreter says (version, broker package and runtime, msal's version): the extension passes the same.
  let interpreterFacts: InterpreterFacts | undefined;
  // Like the extension: without --python, the python3 on PATH (an activated venv's) decides, when it has azure-identity.
  let python = options.python ?? (options.verify || !options.version ? 'python3' : undefined);
  if (python === 'python3' && !options.python) python = trustedPython(env, trustedPath);
  let pythonUsed = Boolean(options.python) || options.verify;
  if (options.verify && !python) throw new UsageError(l10n.t('{0} needs an interpreter: no python3 on your own PATH (pass {1} or {2}).', '--verify', '--python', '--allow-workspace-programs'));
  if (python) {
    const detection = await detectAzureIdentity(python, env, signal);
    if (!detection.version) {
      if (options.python && !options.version) {
        throw new UsageError(l10n.t('Cannot read the azure-identity version of {0}: {1}. Pass {2} to model a version anyway.', python, detection.problem ?? l10n.t('unknown problem'), '--azure-identity-version'));
      }
    } else {
      pythonUsed = true;
      interpreterFacts = interpreterFactsOf(detection);
    }
    if (options.verify && !detection.version) {
      throw new UsageError(l10n.t('{0} needs an interpreter with azure-identity: {1}: {2}.', '--verify', python, detection.problem ?? l10n.t('azure-identity not found')));
    }
  }

  const modelled = version ?? interpreterFacts?.azureIdentityVersion ?? undefined;
  const chained = code && 'members' in code ? code.members : undefined;
  const lone = code !== undefined && 'lone' in code;
  const known = new Set(chainOrderFor(modelled));
  const ignored = Object.keys(options.exclude).filter((name) => !known.has(name as CredentialName));
  if (ignored.length && !options.json && !chained) {
    const note = ignored.length > 1 ? l10n.t('{0} are not part of {1}; the keyword is ignored.', ignored.join(', '), familyLabel(familyFor(modelled)))
      : l10n.t('{0} is not part of {1}; the keyword is ignored.', ignored.join(', '), familyLabel(familyFor(modelled)));
    process.stderr.write(`${l10n.t('Note: {0}', note)}\n`);
  }
  const flags: KeywordArguments = {
    exclude: options.exclude,
    ...(options.processTimeout !== undefined ? { processTimeoutSeconds: options.processTimeout } : {}),
    ...(options.requireEnvvar !== undefined ? { requireEnvvar: options.requireEnvvar } : {}),
  };
  // As in the view: the code's keyword arguments, with the command line's on top; a ChainedTokenCredential (or a
  // credential built on its own) takes none of DefaultAzureCredential's.
  const keywordArguments: KeywordArguments = chained ? {}
    : code?.credential === 'DefaultAzureCredential' ? withCodeKeywords(code.keywordArguments, flags) : flags;
  if (chained && options.verify) {
    const unknown = chained.findIndex((member) => member.kind === 'unknown');
    if (unknown >= 0) throw new UsageError(l10n.t('--verify: member {0} of the {1} is not known from the source, so Python cannot build it here.', unknown + 1, code!.where));
  }
  let report: ChainReport = await evaluateChain(chainInputsFor({
    env, keywordArguments, interpreter: interpreterFacts, ...(version ? { versionOverride: version } : {}), signal, allowedHosts: options.allowHosts,
    ...(chained ? { chained } : {}),
    ...(lone ? { lone } : {}),
    ...(trustedPath !== undefined ? { trustedPath } : {}),
  }));
  if (code) {
    const given = flagTexts(options);
    report = { ...report, code: { ...code, overrides: chained ? { applied: [], notApplied: given } : { applied: given, notApplied: [] } } };
  }
  if (options.verify && python) {
    const verification = await verifyWithPython({
      python, env, keywordArguments, signal, report,
      ...(chained ? verifyMembers(chained) : {}),
      ...(lone ? { lone } : {}),
    });
    report = { ...report, verification };
  }
  return { report, python, pythonUsed, env, keywordArguments };
}

/** The call `--code` names, read with the bounded reader; a file or call that cannot be used is a usage error. */
async function codeCall(location: CodeLocation, signal: AbortSignal) {
  try {
    return await readCodeCall(location, signal);
  } catch (error) {
    if (error instanceof FileRefusedError || error instanceof CodeLocationError) throw new UsageError(error.message);
    throw error;
  }
}

/** The keyword-argument flags given, as written: what overrides the code's call (or does not apply to it). */
function flagTexts(options: ChainOptions): string[] {
  return [
    ...Object.entries(options.exclude).map(([name, excluded]) => `${excluded ? '--exclude' : '--include'} ${name}`),
    ...(options.processTimeout !== undefined ? [`--process-timeout ${options.processTimeout}`] : []),
    ...(options.requireEnvvar ? ['--require-envvar'] : []),
  ];
}

/**
 * python3 as the user's own PATH finds it when the .env's PATH would find the workspace's (a repository's
 * bin/python3 is not run without --allow-workspace-programs); a note says so.
 */
function trustedPython(env: Readonly<Record<string, string>>, trustedPath: string | undefined): string | undefined {
  try {
    resolveProgram('python3', env, { trustedPath, allowedPrograms: [] });
    return 'python3';
  } catch (error) {
    if (!(error instanceof WorkspaceProgramError)) throw error;
    const own = which('python3', { PATH: trustedPath ?? '' });
    process.stderr.write(`${l10n.t('Note: {0}', own
      ? l10n.t("{0} (found through the .env's PATH entry {1}) was not run; {2} on your own PATH decides the azure-identity version. {3} runs it.", error.file, JSON.stringify(error.entry), own, '--allow-workspace-programs')
      : l10n.t("{0} (found through the .env's PATH entry {1}) was not run; no python3 on your own PATH decides the azure-identity version. {2} runs it.", error.file, JSON.stringify(error.entry), '--allow-workspace-programs'))}\n`);
    return own;
  }
}

async function runChain(args: readonly string[], signal: AbortSignal): Promise<number> {
  const options = parseChainArgs(args);
  const { report, python, pythonUsed } = await chainReportFor(options, signal);
  const columns = process.stdout.columns || 120;
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : fitToWidth(formatReport(report, { ...(python && pythonUsed ? { pythonPath: python } : {}), columns }), columns));
  return report.verdict.outcome === 'token' ? 0 : 1;
}

export async function main(argv: readonly string[]): Promise<number> {
  // `node dist/cli.js -- chain …`: the "--" only keeps Node from taking options such as --env-file for itself.
  const [command, ...given] = argv[0] === '--' ? argv.slice(1) : argv;
  let rest = given;
  // The texts core writes (reasons, fixes, insights, headlines) in the user's language when the product ships it.
  useLocaleCatalog(process.env, l10nDirectory());
  const controller = new AbortController();
  // Ctrl+C or SIGTERM cancels everything (processes, requests, file reads); whatever does not settle within
  // 800 ms is left behind: the CLI ends within a second of the signal, whatever it was doing.
  let forced: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    controller.abort();
    forced ??= setTimeout(() => {
      process.stderr.write(`azure-dev-auth: ${l10n.t('cancelled')}\n`);
      process.exit(signal === 'SIGTERM' ? 143 : 130);
    }, 800).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(help());
      return command === undefined ? 2 : 0;
    }
    if (command !== 'chain' && command !== 'whoami' && command !== 'roles') throw new UsageError(l10n.t('Unknown command {0}. Run {1}.', command, 'azure-dev-auth --help'));
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(command === 'chain' ? chainHelp() : accessHelp(command));
      return 0;
    }
    // Times are printed in this machine's time zone; --utc prints them in UTC (Node reads TZ at each use).
    if (rest.includes('--utc')) {
      process.env.TZ = 'UTC';
      rest = rest.filter((a) => a !== '--utc');
    }
    if (command === 'chain') return await runChain(rest, controller.signal);
    return await runAccess(command, rest, controller.signal, {
      parseChainArgs: (args) => parseChainArgs(args),
      chainReportFor,
    });
  } catch (error) {
    if (error instanceof UsageError || error instanceof AccessUsageError) {
      process.stderr.write(`azure-dev-auth: ${inert(error.message)}\n`);
      return 2;
    }
    if (error instanceof Error && error.name === 'AbortError') {
      process.stderr.write(`azure-dev-auth: ${l10n.t('cancelled')}\n`);
      return 130;
    }
    process.stderr.write(`azure-dev-auth: ${inert(error instanceof Error ? error.message : String(error))}\n`);
    return 2;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
