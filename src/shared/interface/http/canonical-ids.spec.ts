import { canonicalPath } from './canonical-ids';

describe('canonical ids in the request path', () => {
  const lower = '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e';
  const upper = lower.toUpperCase();

  it.each([
    [`/todos/${upper}`, `/todos/${lower}`],
    [`/todos/${upper}/complete`, `/todos/${lower}/complete`],
    [`/todos/${upper}/events?after=1&cursor=ABC`, `/todos/${lower}/events?after=1&cursor=ABC`],
    [`/todos/${lower}`, `/todos/${lower}`],
    [`/todos?id=${upper}`, `/todos?id=${upper}`],
    [`/todos/${upper}X`, `/todos/${upper}X`],
    ['/TODOS', '/TODOS'],
  ])('%s → %s', (url, expected) => {
    expect(canonicalPath(url)).toBe(expected);
  });
});
