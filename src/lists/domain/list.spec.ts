import { deciderSpecification } from '../../../test/support/decider-specification';
import {
  ListAlreadyExistsError,
  ListArchivedError,
  ListFullError,
  ListNotFoundError,
  MAX_TODOS_PER_LIST,
  decide,
  evolve,
  initialList,
} from './list';
import type { ListCommand } from './list';
import { ListNameInvalidError } from './list-name';
import type { ListEvent, ListTodoAdded } from './list';

const given = deciderSpecification({ decide, evolve, initialState: initialList });

const listId = '0f8e4c1a-7d2b-4e5f-9a3c-6b1d2e3f4a5b';
const todoA = '6a1b8a9e-0c4e-4f57-9b7f-2f0a6c1d2e3f';
const todoB = '7b2c9baf-1d5f-4068-8c80-3f1b7d2e3f40';
const t0 = new Date('2026-11-27T09:00:00.000Z');
const t1 = new Date('2026-11-27T10:00:00.000Z');
const todo = { title: 'Buy milk', completed: false, version: 1 };

const created: ListEvent = {
  type: 'ListCreated',
  data: { listId, name: 'Groceries', createdAt: t0.toISOString() },
};
const addedEvent = (todoId: string): ListTodoAdded => ({
  type: 'ListTodoAdded',
  data: { listId, todoId, todo, addedAt: t1.toISOString() },
});
const archived: ListEvent = {
  type: 'ListArchived',
  data: { listId, completeOpenTodos: false, todoIds: [], archivedAt: t1.toISOString() },
};

const create = (name: string): ListCommand => ({
  type: 'CreateList',
  data: { listId, name, now: t0 },
});
const rename = (name: string): ListCommand => ({
  type: 'RenameList',
  data: { listId, name, now: t1 },
});
const add = (todoId: string): ListCommand => ({
  type: 'AddTodoToList',
  data: { listId, todoId, todo, now: t1 },
});
const remove = (todoId: string): ListCommand => ({
  type: 'RemoveTodoFromList',
  data: { listId, todoId, now: t1 },
});
const archive = (completeOpenTodos: boolean): ListCommand => ({
  type: 'ArchiveList',
  data: { listId, completeOpenTodos, now: t1 },
});

describe('TodoList', () => {
  describe('CreateList', () => {
    it('creates a list with the normalised name', () => {
      given().when(create('  Groceries ')).then([created]);
    });

    it.each([
      ['empty', ''],
      ['invisible', '\u200b\u2800'],
      ['too long', 'x'.repeat(101)],
      ['with a control character', 'a\u0007b'],
      ['with a bidirectional override', 'a\u202eb'],
    ])('refuses a name that is %s', (_case, name) => {
      given().when(create(name)).thenThrows(ListNameInvalidError, 'LIST_NAME_INVALID');
    });

    it('accepts a name of 100 characters', () => {
      const name = 'x'.repeat(100);
      given()
        .when(create(name))
        .then([{ ...created, data: { ...created.data, name } }]);
    });

    it('refuses an id that is taken', () => {
      given(created)
        .when(create('Other'))
        .thenThrows(ListAlreadyExistsError, 'LIST_ALREADY_EXISTS');
    });
  });

  describe('RenameList', () => {
    it('renames', () => {
      given(created)
        .when(rename('Food'))
        .then([
          { type: 'ListRenamed', data: { listId, name: 'Food', renamedAt: t1.toISOString() } },
        ]);
    });

    it('the same name again changes nothing', () => {
      given(created).when(rename(' Groceries')).thenNothingHappens();
    });

    it('refuses a list that does not exist', () => {
      given().when(rename('Food')).thenThrows(ListNotFoundError, 'LIST_NOT_FOUND');
    });
  });

  describe('AddTodoToList', () => {
    it('adds a todo at the end, with the todo as it was seen', () => {
      given(created, addedEvent(todoA))
        .when(add(todoB))
        .then([addedEvent(todoB)]);
    });

    it('adding a todo that is in the list already changes nothing', () => {
      given(created, addedEvent(todoA)).when(add(todoA)).thenNothingHappens();
    });

    it('a removed todo can be added again', () => {
      const removed: ListEvent = {
        type: 'ListTodoRemoved',
        data: { listId, todoId: todoA, removedAt: t1.toISOString() },
      };
      given(created, addedEvent(todoA), removed)
        .when(add(todoA))
        .then([addedEvent(todoA)]);
    });

    it(`refuses the todo after ${MAX_TODOS_PER_LIST}`, () => {
      const full = Array.from({ length: MAX_TODOS_PER_LIST }, (_, i) =>
        addedEvent(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
      );
      given(created, ...full.slice(1))
        .when(add(todoA))
        .then([addedEvent(todoA)]);
      given(created, ...full)
        .when(add(todoA))
        .thenThrows(ListFullError, 'LIST_FULL');
    });
  });

  describe('RemoveTodoFromList', () => {
    it('removes a todo', () => {
      given(created, addedEvent(todoA))
        .when(remove(todoA))
        .then([
          { type: 'ListTodoRemoved', data: { listId, todoId: todoA, removedAt: t1.toISOString() } },
        ]);
    });

    it('removing a todo that is not in the list changes nothing', () => {
      given(created, addedEvent(todoA)).when(remove(todoB)).thenNothingHappens();
    });
  });

  describe('ArchiveList', () => {
    it('archives with the todos it holds, in order, and whether to complete them', () => {
      given(created, addedEvent(todoB), addedEvent(todoA))
        .when(archive(true))
        .then([
          {
            type: 'ListArchived',
            data: {
              listId,
              completeOpenTodos: true,
              todoIds: [todoB, todoA],
              archivedAt: t1.toISOString(),
            },
          },
        ]);
    });

    it.each([
      ['rename', rename('Food')],
      ['add', add(todoA)],
      ['remove', remove(todoA)],
      ['archive again', archive(false)],
    ])('an archived list takes no change: %s', (_case, command) => {
      given(created, archived).when(command).thenThrows(ListArchivedError, 'LIST_ARCHIVED');
    });

    it('refuses a list that does not exist', () => {
      given().when(archive(false)).thenThrows(ListNotFoundError, 'LIST_NOT_FOUND');
    });
  });
});
