/**
 * Reads the shell examples of a Markdown document and checks what they print against the claims
 * written beside them, so that the README cannot drift from the service.
 *
 * In the document, every fenced shell block (`sh`, `bash`, `shell`) is preceded by a marker:
 * `<!-- example: <name> -->` for a block that runs as written, or
 * `<!-- example not run: <reason> -->` for one that cannot run inside a test (it starts the
 * service, or needs Docker). A command's claim is a comment `# → <claims>` at the end of the
 * command or on the line after it; claims are separated by `, ` and are each one of:
 * - a status: `201` (from the `HTTP/1.1 201 …` line that `curl -i` prints);
 * - a header: `ETag: "2"`, where `…` stands for any text and a value matches the header's value
 *   up to its parameters (`application/problem+json` matches `application/problem+json; charset=utf-8`);
 * - a JSON object the body must contain: `{"version":2}` (objects may have more fields; arrays
 *   must have the same length and each element must contain the claimed one).
 */

export type HeaderClaim = { name: string; value: string };
export type Claim = { status?: number; headers: HeaderClaim[]; body?: unknown };
export type ExampleCommand = { line: number; text: string; claim?: Claim; claimText?: string };
export type Example = { name: string; line: number; commands: ExampleCommand[] };
export type ShellBlocks = {
  examples: Example[];
  notRun: { line: number; reason: string }[];
  /** Shell blocks with no marker, or with a marker this reader does not understand. */
  unmarked: { line: number; marker: string }[];
  /** Claims that do not follow the grammar above. */
  malformed: { line: number; message: string }[];
};

const SHELL_FENCE = /^```(sh|bash|shell)\s*$/;
const RUN_MARKER = /^<!-- example: ([a-z0-9-]+) -->$/;
const NOT_RUN_MARKER = /^<!-- example not run: (.+) -->$/;
const OWN_LINE_CLAIM = /^\s*# → (.*)$/;
const TRAILING_CLAIM = /\s# → (.*)$/;

export function readShellBlocks(markdown: string): ShellBlocks {
  const lines = markdown.split('\n');
  const result: ShellBlocks = { examples: [], notRun: [], unmarked: [], malformed: [] };
  for (let index = 0; index < lines.length; index++) {
    const fence = lines[index] ?? '';
    if (!fence.startsWith('```')) continue;
    const end = lines.findIndex((line, at) => at > index && line.startsWith('```'));
    if (end < 0) break;
    if (SHELL_FENCE.test(fence)) {
      const line = index + 1;
      const marker = previousNonEmpty(lines, index);
      const run = RUN_MARKER.exec(marker);
      const notRun = NOT_RUN_MARKER.exec(marker);
      if (run?.[1]) {
        const commands = splitCommands(lines.slice(index + 1, end), index + 2, result.malformed);
        result.examples.push({ name: run[1], line, commands });
      } else if (notRun?.[1]) {
        result.notRun.push({ line, reason: notRun[1] });
      } else {
        result.unmarked.push({ line, marker });
      }
    }
    index = end;
  }
  return result;
}

function previousNonEmpty(lines: string[], index: number): string {
  for (let at = index - 1; at >= 0; at--) {
    const line = lines[at]?.trim() ?? '';
    if (line) return line;
  }
  return '';
}

/**
 * Groups lines into commands: a line ending in `\` continues, and `for`/`while`/`if` run to their
 * `done`/`fi`. A comment line of its own is not a command, except that `# → …` claims the
 * previous command's output.
 */
function splitCommands(
  lines: string[],
  firstLine: number,
  malformed: ShellBlocks['malformed'],
): ExampleCommand[] {
  const commands: ExampleCommand[] = [];
  let pending: { line: number; text: string[] } | undefined;
  let depth = 0;
  const claim = (line: number, text: string, command: ExampleCommand | undefined) => {
    if (!command) return malformed.push({ line, message: 'a claim before any command' });
    if (command.claimText !== undefined) {
      return malformed.push({ line, message: 'a second claim for one command' });
    }
    try {
      command.claim = parseClaim(text);
      command.claimText = text;
    } catch (error) {
      malformed.push({ line, message: (error as Error).message });
    }
  };
  lines.forEach((raw, offset) => {
    const line = firstLine + offset;
    const ownClaim = OWN_LINE_CLAIM.exec(raw);
    if (!pending && ownClaim?.[1] !== undefined) return claim(line, ownClaim[1], commands.at(-1));
    if (!pending && (raw.trim() === '' || raw.trim().startsWith('#'))) return;
    pending ??= { line, text: [] };
    pending.text.push(raw);
    const code = raw.replace(/\s#\s.*$/, '').trim();
    if (/^(for|while|until|if)\b/.test(code)) depth++;
    if (/^(done|fi)\b/.test(code)) depth--;
    if (code.endsWith('\\') || depth > 0) return;
    const command: ExampleCommand = { line: pending.line, text: pending.text.join('\n') };
    commands.push(command);
    pending = undefined;
    const trailing = TRAILING_CLAIM.exec(raw);
    if (trailing?.[1] !== undefined) claim(line, trailing[1], command);
  });
  if (pending) malformed.push({ line: pending.line, message: 'an unfinished command' });
  return commands;
}

export function parseClaim(text: string): Claim {
  const claim: Claim = { headers: [] };
  for (const part of splitTopLevel(text)) {
    if (/^\d{3}$/.test(part)) {
      claim.status = Number(part);
    } else if (part.startsWith('{')) {
      try {
        claim.body = JSON.parse(part) as unknown;
      } catch {
        throw new Error(`claim ${JSON.stringify(part)} is not JSON`);
      }
    } else {
      const header = /^([A-Za-z][A-Za-z0-9-]*): (.+)$/.exec(part);
      if (!header?.[1] || !header[2]) {
        throw new Error(`claim ${JSON.stringify(part)} is no status, header or JSON object`);
      }
      claim.headers.push({ name: header[1], value: header[2] });
    }
  }
  return claim;
}

/** Splits on `, ` outside quotes, braces, brackets and angle brackets. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '\\' && quoted) at++;
    else if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '{' || char === '[' || char === '<')) depth++;
    else if (!quoted && (char === '}' || char === ']' || char === '>')) depth--;
    else if (!quoted && depth === 0 && char === ',' && text[at + 1] === ' ') {
      parts.push(text.slice(start, at).trim());
      start = at + 2;
    }
  }
  parts.push(text.slice(start).trim());
  return parts.filter((part) => part !== '');
}

/** What a command printed that contradicts its claim; empty when every claim holds. */
export function checkClaim(claim: Claim, output: string): string[] {
  const text = output.replaceAll('\r', '');
  const statusLine = /^HTTP\/[\d.]+ (\d{3})\b.*$/m.exec(text);
  const separator = statusLine ? text.indexOf('\n\n', statusLine.index) : -1;
  const head = statusLine
    ? text.slice(statusLine.index, separator < 0 ? undefined : separator)
    : text;
  const body = statusLine ? (separator < 0 ? '' : text.slice(separator + 2)) : text;
  const problems: string[] = [];

  if (claim.status !== undefined && Number(statusLine?.[1]) !== claim.status) {
    problems.push(`status ${statusLine?.[1] ?? '(none printed)'}, not ${claim.status}`);
  }
  for (const { name, value } of claim.headers) {
    const values = head
      .split('\n')
      .map((line) => /^([^:\s]+):\s*(.*)$/.exec(line))
      .filter((match) => match?.[1]?.toLowerCase() === name.toLowerCase())
      .map((match) => match?.[2]?.trim() ?? '');
    if (!values.some((actual) => headerMatches(value, actual))) {
      problems.push(
        `header ${name}: ${JSON.stringify(value)} not printed (got ${JSON.stringify(values)})`,
      );
    }
  }
  if (claim.body !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.trim());
    } catch {
      problems.push(`the body is not JSON: ${JSON.stringify(body.slice(0, 300))}`);
      return problems;
    }
    const mismatch = contains(parsed, claim.body, 'body');
    if (mismatch) problems.push(mismatch);
  }
  return problems;
}

function headerMatches(claimed: string, actual: string): boolean {
  const pattern = claimed
    .split('…')
    .map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  const parameters = claimed.includes(';') ? '' : '(;.*)?';
  return new RegExp(`^${pattern}${parameters}$`).test(actual);
}

function contains(actual: unknown, claimed: unknown, path: string): string | undefined {
  if (Array.isArray(claimed)) {
    if (!Array.isArray(actual) || actual.length !== claimed.length) {
      return `${path}: ${JSON.stringify(actual)} is not a list of ${claimed.length}`;
    }
    for (const [index, element] of claimed.entries()) {
      const mismatch = contains(actual[index], element, `${path}[${index}]`);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  if (claimed !== null && typeof claimed === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${path}: ${JSON.stringify(actual)} is not an object`;
    }
    for (const [key, value] of Object.entries(claimed)) {
      const mismatch = contains((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
      if (mismatch) return mismatch;
    }
    return undefined;
  }
  return Object.is(actual, claimed)
    ? undefined
    : `${path} is ${JSON.stringify(actual)}, not ${JSON.stringify(claimed)}`;
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replaceAll(' ', '-');
}

/** Relative links of a Markdown document (`[text](target)`), outside code blocks. */
export function relativeLinks(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

export function headingAnchors(markdown: string): Set<string> {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set(
    [...prose.matchAll(/^#{1,6} (.+)$/gm)].map((match) => headingAnchor(match[1] ?? '')),
  );
}
