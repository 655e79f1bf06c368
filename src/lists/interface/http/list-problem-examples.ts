import { problemType } from '../../../shared/interface/http/problem-details';
import type { ProblemDetails } from '../../../shared/interface/http/problem-details';

const LIST = '0f8e4c1a-7d2b-4e5f-9a3c-6b1d2e3f4a5b';
const TODO = '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e';

/** Example problems of the list routes, for their OpenAPI responses. */
export const LIST_PROBLEM_EXAMPLES = {
  nameInvalid: {
    type: problemType('list-name-invalid'),
    title: 'List name invalid',
    status: 400,
    detail: 'Name is invalid: it is empty.',
    instance: '/lists',
    code: 'LIST_NAME_INVALID',
    field: 'name',
    reason: 'it is empty',
  },
  notFound: {
    type: problemType('list-not-found'),
    title: 'List not found',
    status: 404,
    detail: `List ${LIST} does not exist.`,
    instance: `/lists/${LIST}`,
    code: 'LIST_NOT_FOUND',
    listId: LIST,
  },
  todoNotFound: {
    type: problemType('todo-not-found'),
    title: 'Todo not found',
    status: 404,
    detail: `Todo ${TODO} does not exist.`,
    instance: `/lists/${LIST}/todos`,
    code: 'TODO_NOT_FOUND',
    todoId: TODO,
  },
  alreadyExists: {
    type: problemType('list-already-exists'),
    title: 'List already exists',
    status: 409,
    detail: `List ${LIST} already exists.`,
    instance: '/lists',
    code: 'LIST_ALREADY_EXISTS',
    listId: LIST,
  },
  full: {
    type: problemType('list-full'),
    title: 'List full',
    status: 409,
    detail: `List ${LIST} already holds 1000 todos, the most a list may hold.`,
    instance: `/lists/${LIST}/todos`,
    code: 'LIST_FULL',
    listId: LIST,
    maxTodos: 1000,
  },
  archived: {
    type: problemType('list-archived'),
    title: 'List archived',
    status: 409,
    detail: `List ${LIST} is archived and takes no more changes.`,
    instance: `/lists/${LIST}`,
    code: 'LIST_ARCHIVED',
    listId: LIST,
  },
} satisfies Record<string, ProblemDetails>;
