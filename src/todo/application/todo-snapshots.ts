import type { ExistingTodo } from '../domain/todo';

export type TodoSnapshot = { state: ExistingTodo; version: number };

/**
 * Port: a todo's current state without folding its whole stream. It answers only when it can
 * prove the state is at the stream's latest version; `undefined` means "fold the stream".
 * Keeps command cost independent of stream length.
 */
export abstract class TodoSnapshots {
  abstract load(todoId: string): Promise<TodoSnapshot | undefined>;
}
