import { cliProblemOf, EXIT_CODES, problemJson } from './cli-problem';
import { DomainError } from './shared/domain/domain-error';

class ClashingError extends DomainError {
  readonly code = 'CLASHING';
  readonly kind = 'conflict' as const;
}

describe('cliProblemOf', () => {
  it('reports an unexpected error by the first line of its message, exit 5', () => {
    const problem = cliProblemOf(new TypeError('boom\n    at somewhere (file.ts:1:1)'));
    expect(problem).toMatchObject({
      type: 'urn:todo-service:problem:internal-error',
      code: 'INTERNAL_ERROR',
      detail: 'boom',
      exitCode: EXIT_CODES.internal,
    });
  });

  it('names the network error of a refused connection that carries no message', () => {
    const refused = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });
    expect(cliProblemOf(refused)).toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      detail: expect.stringContaining('(ECONNREFUSED)') as unknown,
      exitCode: EXIT_CODES.unavailable,
    });
  });

  it("treats an error with the domain errors' contract but another base class as a refusal", () => {
    class StoreError extends Error {
      readonly code = 'PROJECTION_NOT_FOUND';
      readonly kind = 'not_found';
      readonly details = { projection: 'nope' };
    }
    expect(cliProblemOf(new StoreError('No projection named "nope".'))).toMatchObject({
      type: 'urn:todo-service:problem:projection-not-found',
      title: 'Projection not found',
      code: 'PROJECTION_NOT_FOUND',
      extensions: { projection: 'nope' },
      exitCode: EXIT_CODES.domain,
    });
    // A driver error has a code too, but no kind: it is not a refusal.
    const driver = Object.assign(new Error('duplicate key'), { code: '23505' });
    expect(cliProblemOf(driver).exitCode).toBe(EXIT_CODES.internal);
  });

  it('writes one JSON line in which the fixed members win over same-named details', () => {
    const line = problemJson(
      cliProblemOf(new ClashingError('It clashed.', { type: 'forged', id: 'a1' })),
    );
    expect(line).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({
      type: 'urn:todo-service:problem:clashing',
      title: 'Clashing',
      detail: 'It clashed.',
      code: 'CLASHING',
      id: 'a1',
    });
  });
});
