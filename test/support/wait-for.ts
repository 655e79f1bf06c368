/**
 * Polls `check` until it returns a value other than `undefined`/`false`, for work that finishes
 * in the background (subscriptions). Bounded: fails with `what` after `timeoutMs`. The bound is
 * generous because subscribers only read events once every older transaction on the server has
 * ended, and a busy shared server (CREATE/DROP DATABASE of parallel test runs) holds that back
 * for seconds. Files that use it raise Jest's timeout with `jest.setTimeout(60_000)`.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined && result !== false) return result;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
