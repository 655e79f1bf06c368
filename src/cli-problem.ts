import { CommanderError } from 'commander';
import { ConfigError } from './config';
import { DomainError } from './shared/domain/domain-error';
import { databaseFaultOf } from './shared/interface/http/database-unavailable';
import { problemType, slugOfCode } from './shared/interface/http/problem-details';

/**
 * The CLI's exit codes. Scripts branch on them, so they are part of its contract (listed in
 * `todo --help` and the README).
 */
export const EXIT_CODES = {
  ok: 0,
  /** The service refused the command: a rule was broken (not found, already completed, ...). */
  domain: 1,
  /** The command line is wrong: unknown command or option, missing or invalid argument. */
  usage: 2,
  /** An environment variable is wrong, or the server refuses DATABASE_URL's database or user. */
  configuration: 3,
  /** The database cannot be reached or is too busy right now; retrying may succeed. */
  unavailable: 4,
  /** Anything else: a bug or an unexpected failure. */
  internal: 5,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  refused by a rule of the service (e.g. TODO_NOT_FOUND, TODO_ALREADY_COMPLETED)
  2  usage error: unknown command or option, missing or invalid argument
  3  configuration error: an environment variable is invalid, or the server
     refuses the database, user or password in DATABASE_URL
  4  database unavailable or busy: retry later
  5  unexpected error

With --json, an error is one JSON line on stderr: {"type","title","detail","code",...}.`;

/** An error as the CLI reports it: RFC 9457 members plus the stable `code`, and an exit code. */
export type CliProblem = {
  type: string;
  title: string;
  detail: string;
  code: string;
  /** Facts about the error that a script may use (the domain error's details). */
  extensions: Readonly<Record<string, unknown>>;
  exitCode: number;
};

/**
 * Problems only the CLI reports; HTTP has no such thing (they are listed in the README's CLI
 * section, not in its HTTP error table or the OpenAPI document).
 */
const CLI_PROBLEMS = {
  usage: { slug: 'usage-error', title: 'Invalid command line' },
  configuration: { slug: 'configuration-error', title: 'Invalid configuration' },
} as const;

/** Commander's error codes, as stable codes of our own that do not leak the library's names. */
const USAGE_CODES: Record<string, string> = {
  'commander.unknownCommand': 'UNKNOWN_COMMAND',
  'commander.unknownOption': 'UNKNOWN_OPTION',
  'commander.missingArgument': 'MISSING_ARGUMENT',
  'commander.optionMissingArgument': 'MISSING_OPTION_VALUE',
  'commander.missingMandatoryOptionValue': 'MISSING_OPTION_VALUE',
  'commander.invalidArgument': 'INVALID_ARGUMENT',
  'commander.conflictingOption': 'CONFLICTING_OPTIONS',
  'commander.excessArguments': 'TOO_MANY_ARGUMENTS',
  'commander.help': 'MISSING_COMMAND',
};

/** Maps whatever a CLI command threw to the problem it reports. */
export function cliProblemOf(error: unknown): CliProblem {
  if (error instanceof CommanderError) {
    const code = USAGE_CODES[error.code] ?? 'USAGE_ERROR';
    return {
      type: problemType(CLI_PROBLEMS.usage.slug),
      title: CLI_PROBLEMS.usage.title,
      detail:
        code === 'MISSING_COMMAND'
          ? 'No command given; add --help to list the commands.'
          : firstLine(error.message).replace(/^error: /, ''),
      code,
      extensions: {},
      exitCode: EXIT_CODES.usage,
    };
  }
  if (isRefusal(error)) {
    return {
      // As the HTTP problem filter names them, so that one error has one type everywhere.
      type: problemType(slugOfCode(error.code)),
      title: titleOfCode(error.code),
      detail: error.message,
      code: error.code,
      extensions: error.details,
      exitCode: EXIT_CODES.domain,
    };
  }
  const refused = connectionRefusal(error);
  if (error instanceof ConfigError || refused) {
    return {
      type: problemType(CLI_PROBLEMS.configuration.slug),
      title: CLI_PROBLEMS.configuration.title,
      detail: refused ? `DATABASE_URL: ${firstLine(messageOf(error))}` : messageOf(error),
      code: 'CONFIGURATION_ERROR',
      extensions: {},
      exitCode: EXIT_CODES.configuration,
    };
  }
  const fault = databaseFaultOf(error);
  if (fault) {
    return {
      type: problemType(fault.slug),
      title: fault.title,
      // Unlike an HTTP client, the CLI's user runs the service: the driver's reason helps.
      detail: `${fault.detail} (${firstLine(messageOf(error))})`,
      code: fault.slug.toUpperCase().replace(/-/g, '_'),
      extensions: {},
      exitCode: EXIT_CODES.unavailable,
    };
  }
  return {
    type: problemType('internal-error'),
    title: 'Internal error',
    detail: firstLine(messageOf(error)),
    code: 'INTERNAL_ERROR',
    extensions: {},
    exitCode: EXIT_CODES.internal,
  };
}

/** The JSON line written to stderr with `--json`. */
export function problemJson(problem: CliProblem): string {
  const { type, title, detail, code, extensions } = problem;
  // The fixed members come first and win over a detail that happens to share a name.
  const fixed = { type, title, detail, code };
  const rest = Object.entries(extensions).filter(([name]) => !(name in fixed));
  return JSON.stringify({ ...fixed, ...Object.fromEntries(rest) });
}

/** The text line written to stderr without `--json`. */
export function problemText(problem: CliProblem): string {
  return `error: ${problem.code}: ${problem.detail}`;
}

/**
 * SQLSTATEs with which a server refuses the connection that DATABASE_URL describes: no such
 * database, no such role, a wrong password. Retrying cannot help; the URL has to change.
 */
const CONNECTION_REFUSALS = new Set(['3D000', '28000', '28P01']);

function connectionRefusal(error: unknown): boolean {
  const candidates = [error, (error as { driverError?: unknown } | null)?.driverError];
  return candidates.some((candidate) => {
    const code = (candidate as { code?: unknown } | null)?.code;
    return typeof code === 'string' && CONNECTION_REFUSALS.has(code);
  });
}

type Refusal = Error & {
  code: string;
  kind: string;
  details: Readonly<Record<string, unknown>>;
};

/**
 * A rule the command broke: a `DomainError`, or an error of a module with the same contract (a
 * stable `code`, a `kind`, `details`), such as the event store's, which cannot extend the
 * domain's base class.
 */
function isRefusal(error: unknown): error is Refusal {
  if (error instanceof DomainError) return true;
  if (!(error instanceof Error)) return false;
  const { code, kind, details } = error as Partial<Refusal>;
  return (
    typeof code === 'string' &&
    /^[A-Z][A-Z0-9_]*$/.test(code) &&
    typeof kind === 'string' &&
    typeof details === 'object' &&
    details !== null
  );
}

function titleOfCode(code: string): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // A refused connection to every address of a host is an AggregateError without a message.
  const code = (error as { code?: unknown }).code;
  return error.message || (typeof code === 'string' ? code : error.name);
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
