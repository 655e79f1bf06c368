import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as ts from 'typescript';
import { DATABASE_FAULT_SLUGS } from '../../src/shared/interface/http/database-unavailable';
import {
  HTTP_PROBLEMS,
  OTHER_CLIENT_ERROR,
  REQUEST_PROBLEMS,
} from '../../src/shared/interface/http/problem-details.filter';
import { slugOfCode } from '../../src/shared/interface/http/problem-details';

export const ROOT = join(__dirname, '..', '..');

/** The production sources: every `.ts` under src/ except tests. */
function sourceFiles(directory = join(ROOT, 'src')): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /(?<!\.spec|\.int-spec)\.ts$/.test(entry.name) ? [path] : [];
  });
}

type Origin = string;

/**
 * Every problem `type` slug the code can answer, derived from the code itself:
 * - the `code` of every class that extends `DomainError` or the event store's `EventStoreError`,
 *   directly or through another class
 *   (the filter turns each code into a type), found in the syntax of every source file;
 * - every `problemType('literal')` call;
 * - the filter's own tables (request errors by class, HTTP statuses, the 4xx fallback) and the
 *   database faults.
 */
export function problemTypesOfCode(): Map<string, Origin> {
  const found = new Map<string, Origin>();
  const add = (slug: string, origin: Origin) => {
    if (!found.has(slug)) found.set(slug, origin);
  };
  const classes = new Map<string, { base?: string; code?: string; file: string }>();
  for (const file of sourceFiles()) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const where = relative(ROOT, file);
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node) && node.name) {
        const base = node.heritageClauses
          ?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword)
          ?.types[0]?.expression.getText(source);
        const code = node.members
          .filter(ts.isPropertyDeclaration)
          .find((member) => member.name.getText(source) === 'code')?.initializer;
        classes.set(node.name.text, {
          base,
          code: code && ts.isStringLiteralLike(code) ? code.text : undefined,
          file: where,
        });
      }
      if (
        ts.isCallExpression(node) &&
        node.expression.getText(source) === 'problemType' &&
        node.arguments[0] &&
        ts.isStringLiteralLike(node.arguments[0])
      ) {
        add(node.arguments[0].text, `problemType() in ${where}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const isDomainError = (name: string | undefined, seen = new Set<string>()): boolean => {
    if (name === undefined || seen.has(name)) return false;
    if (name === 'DomainError' || name === 'EventStoreError') return true;
    seen.add(name);
    return isDomainError(classes.get(name)?.base, seen);
  };
  for (const [name, declared] of classes) {
    if (declared.code !== undefined && isDomainError(declared.base)) {
      add(slugOfCode(declared.code), `${name} in ${declared.file}`);
    }
  }
  for (const [name, problem] of Object.entries(REQUEST_PROBLEMS)) {
    add(problem.slug, `REQUEST_PROBLEMS.${name}`);
  }
  for (const [status, problem] of Object.entries(HTTP_PROBLEMS)) {
    add(problem.slug, `HTTP_PROBLEMS[${status}]`);
  }
  add(OTHER_CLIENT_ERROR.slug, 'OTHER_CLIENT_ERROR');
  for (const slug of DATABASE_FAULT_SLUGS) add(slug, 'DATABASE_FAULT_SLUGS');
  return found;
}
