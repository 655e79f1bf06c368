import type { ExistingTodo } from '../domain/todo';

/** A todo as the application returns it to its callers. */
export type TodoView = {
  id: string;
  title: string;
  completed: boolean;
  /** The aggregate's version: the sequence of its last event. */
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type TodoList = {
  items: TodoView[];
};

export function toTodoView(todo: ExistingTodo, version: number): TodoView {
  return {
    id: todo.id,
    title: todo.title,
    completed: todo.status === 'Completed',
    version,
    createdAt: todo.createdAt,
    updatedAt: todo.updatedAt,
  };
}
