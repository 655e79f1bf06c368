import { databaseFaultOf } from './database-unavailable';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
/** A caller that adds context keeps the driver's error as its cause. */
const wrapped = (driverError: Error) =>
  new Error(`while appending: ${driverError.message}`, { cause: driverError });

describe('databaseFaultOf', () => {
  it.each([
    ['admin shutdown (restart)', wrapped(withCode('57P01'))],
    ['server starting up', withCode('57P03')],
    ['connection failure class 08', wrapped(withCode('08006'))],
    ['too many connections', withCode('53300')],
    ['connection refused', withCode('ECONNREFUSED')],
    ['connection reset', withCode('ECONNRESET')],
    ['connection dropped', new Error('Connection terminated unexpectedly')],
    ['refused inside an AggregateError', new AggregateError([withCode('ECONNREFUSED')])],
  ])('%s → database-unavailable', (_name, error) => {
    expect(databaseFaultOf(error)?.slug).toBe('database-unavailable');
  });

  it.each([
    ['lock_timeout', wrapped(withCode('55P03'))],
    ['statement_timeout', wrapped(withCode('57014'))],
    ['pool acquire timeout', new Error('timeout exceeded when trying to connect')],
  ])('%s → database-timeout', (_name, error) => {
    expect(databaseFaultOf(error)?.slug).toBe('database-timeout');
  });

  it.each([
    ['a unique violation', wrapped(withCode('23505'))],
    ['a syntax error', wrapped(withCode('42601'))],
    ['a plain bug', new TypeError('x is undefined')],
    ['not an error', 'boom'],
  ])('%s is not a database fault', (_name, error) => {
    expect(databaseFaultOf(error)).toBeUndefined();
  });
});
