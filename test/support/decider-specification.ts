/**
 * Given-when-then tests for a decider: given past events, when a command is decided, then
 * these events are raised (or this error is thrown).
 */
export type Decider<State, Command, Event> = {
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: State;
};

export function deciderSpecification<State, Command, Event>(
  decider: Decider<State, Command, Event>,
) {
  return (...given: Event[]) => ({
    when: (command: Command) => {
      const act = () => decider.decide(command, given.reduce(decider.evolve, decider.initialState));
      return {
        then: (expected: Event[]) => expect(act()).toEqual(expected),
        thenNothingHappens: () => expect(act()).toEqual([]),
        thenThrows: (errorClass: new (...args: never[]) => Error, code: string) => {
          let error: unknown;
          try {
            act();
          } catch (thrown) {
            error = thrown;
          }
          expect(error).toBeInstanceOf(errorClass);
          expect(error).toHaveProperty('code', code);
        },
      };
    },
  });
}
