import { deciderSpecification } from '../../../test/support/decider-specification';
import {
  TodoAlreadyCompletedError,
  TodoAlreadyExistsError,
  TodoDeletedError,
  TodoNotCompletedError,
  TodoNotFoundError,
  decide,
  evolve,
  initialTodo,
  rehydrate,
} from './todo';
import type {
  TodoCommand,
  TodoCompleted,
  TodoCreated,
  TodoDeleted,
  TodoReopened,
  TodoTitleChanged,
} from './todo';
import { TodoTitleInvalidError } from './todo-title';

const given = deciderSpecification({ decide, evolve, initialState: initialTodo });

const todoId = '6a1b8a9e-0c4e-4f57-9b7f-2f0a6c1d2e3f';
const t0 = new Date('2026-11-27T09:00:00.000Z');
const t1 = new Date('2026-11-27T10:00:00.000Z');

const created: TodoCreated = {
  type: 'TodoCreated',
  data: { todoId, title: 'Buy milk', createdAt: t0.toISOString() },
};
const renamed: TodoTitleChanged = {
  type: 'TodoTitleChanged',
  data: { todoId, title: 'Buy oat milk', changedAt: t1.toISOString() },
};
const completed: TodoCompleted = {
  type: 'TodoCompleted',
  data: { todoId, completedAt: t1.toISOString() },
};

const create = (title: string): TodoCommand => ({
  type: 'CreateTodo',
  data: { todoId, title, now: t0 },
});
const changeTitle = (title: string): TodoCommand => ({
  type: 'ChangeTitle',
  data: { todoId, title, now: t1 },
});
const complete: TodoCommand = { type: 'CompleteTodo', data: { todoId, now: t1 } };
const t2 = new Date('2026-11-27T11:00:00.000Z');
const reopened: TodoReopened = {
  type: 'TodoReopened',
  data: { todoId, reopenedAt: t2.toISOString() },
};
const deleted: TodoDeleted = { type: 'TodoDeleted', data: { todoId, deletedAt: t2.toISOString() } };
const reopen: TodoCommand = { type: 'ReopenTodo', data: { todoId, now: t2 } };
const remove: TodoCommand = { type: 'DeleteTodo', data: { todoId, now: t2 } };

describe('Todo', () => {
  describe('CreateTodo', () => {
    it('creates a todo with the trimmed title and the time it was given', () => {
      given().when(create('  Buy milk \t')).then([created]);
    });

    it('accepts a title of exactly 200 characters, counting code points', () => {
      const title = '😀'.repeat(200); // 400 UTF-16 units, 200 characters
      given()
        .when(create(title))
        .then([{ type: 'TodoCreated', data: { todoId, title, createdAt: t0.toISOString() } }]);
    });

    it('stores the title composed to Unicode NFC', () => {
      given()
        .when(create('Cafe\u0301'))
        .then([
          {
            type: 'TodoCreated',
            data: { todoId, title: 'Caf\u00e9', createdAt: t0.toISOString() },
          },
        ]);
    });

    it('refuses an id that already has events', () => {
      given(created)
        .when(create('Again'))
        .thenThrows(TodoAlreadyExistsError, 'TODO_ALREADY_EXISTS');
    });

    it.each([
      ['empty', ''],
      ['blank', '   \t '],
      ['too long', 'x'.repeat(201)],
      ['NUL', 'a\u0000b'],
      ['LF', 'first\nsecond'],
      ['CR', 'first\rsecond'],
      ['tab inside', 'a\tb'],
      ['DEL', 'a\u007fb'],
      ['C1 control', 'a\u0085b'],
      ['line separator', 'a\u2028b'],
      ['lone surrogate', 'a\ud800b'],
      ['only zero-width and invisible characters', '\u200b\u2060\u2800\u115f\u180e\u3164'],
      ['only variation selectors and tags', '\ufe0f\u{e0041}'],
      ['with a right-to-left override', 'invoice\u202Egpj.exe'],
      ['with a directional isolate', 'a\u2066b\u2069'],
    ])('refuses a title that is %s', (_case, title) => {
      given().when(create(title)).thenThrows(TodoTitleInvalidError, 'TODO_TITLE_INVALID');
    });
  });

  describe('ChangeTitle', () => {
    it('changes the title of an open todo', () => {
      given(created).when(changeTitle(' Buy oat milk ')).then([renamed]);
    });

    it('raises nothing when the title is the same after trimming', () => {
      given(created).when(changeTitle('  Buy milk  ')).thenNothingHappens();
    });

    it('refuses an unknown todo', () => {
      given().when(changeTitle('x')).thenThrows(TodoNotFoundError, 'TODO_NOT_FOUND');
    });

    it('refuses a completed todo, even with the same title', () => {
      given(created, completed)
        .when(changeTitle('Buy milk'))
        .thenThrows(TodoAlreadyCompletedError, 'TODO_ALREADY_COMPLETED');
    });

    it('refuses an invalid title', () => {
      given(created)
        .when(changeTitle('\n'))
        .thenThrows(TodoTitleInvalidError, 'TODO_TITLE_INVALID');
    });
  });

  describe('CompleteTodo', () => {
    it('completes an open todo', () => {
      given(created, renamed).when(complete).then([completed]);
    });

    it('refuses an unknown todo', () => {
      given().when(complete).thenThrows(TodoNotFoundError, 'TODO_NOT_FOUND');
    });

    it('refuses a todo that is already completed', () => {
      given(created, completed)
        .when(complete)
        .thenThrows(TodoAlreadyCompletedError, 'TODO_ALREADY_COMPLETED');
    });
  });

  describe('ReopenTodo', () => {
    it('reopens a completed todo', () => {
      given(created, completed).when(reopen).then([reopened]);
    });

    it('refuses an open todo', () => {
      given(created).when(reopen).thenThrows(TodoNotCompletedError, 'TODO_NOT_COMPLETED');
    });

    it('refuses an unknown todo', () => {
      given().when(reopen).thenThrows(TodoNotFoundError, 'TODO_NOT_FOUND');
    });

    it('lets a reopened todo change and complete again', () => {
      given(created, completed, reopened)
        .when(changeTitle('Buy oat milk'))
        .then([{ ...renamed, data: { ...renamed.data, changedAt: t1.toISOString() } }]);
      given(created, completed, reopened).when(complete).then([completed]);
    });
  });

  describe('DeleteTodo', () => {
    it('deletes an open or a completed todo with a tombstone', () => {
      given(created).when(remove).then([deleted]);
      given(created, completed).when(remove).then([deleted]);
    });

    it('refuses an unknown todo', () => {
      given().when(remove).thenThrows(TodoNotFoundError, 'TODO_NOT_FOUND');
    });

    it.each([
      ['DeleteTodo', remove],
      ['ChangeTitle', changeTitle('x')],
      ['CompleteTodo', complete],
      ['ReopenTodo', reopen],
    ])('refuses %s on a deleted todo', (_name, command) => {
      given(created, completed, deleted).when(command).thenThrows(TodoDeletedError, 'TODO_DELETED');
    });

    it('refuses to create a todo again under a deleted id', () => {
      given(created, deleted)
        .when(create('Again'))
        .thenThrows(TodoAlreadyExistsError, 'TODO_ALREADY_EXISTS');
    });
  });

  describe('evolve', () => {
    it('folds a reopening back to an open todo, and a deletion to a tombstone', () => {
      expect(rehydrate([created, completed, reopened])).toEqual({
        status: 'Open',
        id: todoId,
        title: 'Buy milk',
        createdAt: t0.toISOString(),
        updatedAt: t2.toISOString(),
      });
      expect(rehydrate([created, deleted])).toMatchObject({
        status: 'Deleted',
        deletedAt: t2.toISOString(),
      });
    });

    it('folds the whole history into the current state', () => {
      expect(rehydrate([created, renamed, completed])).toEqual({
        status: 'Completed',
        id: todoId,
        title: 'Buy oat milk',
        createdAt: t0.toISOString(),
        updatedAt: t1.toISOString(),
        completedAt: t1.toISOString(),
      });
    });

    it('starts from the initial state', () => {
      expect(rehydrate([])).toEqual({ status: 'Initial' });
    });
  });
});
