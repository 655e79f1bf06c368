/** What a caller asks of a todo. `now` comes from the caller's clock, never from the domain. */
export type CreateTodo = {
  type: 'CreateTodo';
  data: { todoId: string; title: string; now: Date };
};

export type ChangeTitle = {
  type: 'ChangeTitle';
  data: { todoId: string; title: string; now: Date };
};

export type CompleteTodo = {
  type: 'CompleteTodo';
  data: { todoId: string; now: Date };
};

export type ReopenTodo = {
  type: 'ReopenTodo';
  data: { todoId: string; now: Date };
};

export type DeleteTodo = {
  type: 'DeleteTodo';
  data: { todoId: string; now: Date };
};

export type TodoCommand = CreateTodo | ChangeTitle | CompleteTodo | ReopenTodo | DeleteTodo;
