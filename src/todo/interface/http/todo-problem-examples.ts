import { problemType } from '../../../shared/interface/http/problem-details';
import type { ProblemDetails } from '../../../shared/interface/http/problem-details';

/** Example problems of the todo routes, for their OpenAPI responses. */
export const TODO_PROBLEM_EXAMPLES = {
  titleInvalid: {
    type: problemType('todo-title-invalid'),
    title: 'Todo title invalid',
    status: 400,
    detail: 'Title is invalid: it is empty.',
    instance: '/todos',
    code: 'TODO_TITLE_INVALID',
    field: 'title',
    reason: 'it is empty',
  },
  notFound: {
    type: problemType('todo-not-found'),
    title: 'Todo not found',
    status: 404,
    detail: 'Todo 3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e does not exist.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
    code: 'TODO_NOT_FOUND',
    todoId: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
  },
  alreadyCompleted: {
    type: problemType('todo-already-completed'),
    title: 'Todo already completed',
    status: 409,
    detail: 'Todo 3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e is completed; reopen it to change it.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e/complete',
    code: 'TODO_ALREADY_COMPLETED',
    todoId: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
  },
  notCompleted: {
    type: problemType('todo-not-completed'),
    title: 'Todo not completed',
    status: 409,
    detail: 'Todo 3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e is not completed, so it cannot be reopened.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e/reopen',
    code: 'TODO_NOT_COMPLETED',
    todoId: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
  },
  deleted: {
    type: problemType('todo-deleted'),
    title: 'Todo deleted',
    status: 410,
    detail: 'Todo 3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e was deleted.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
    code: 'TODO_DELETED',
    todoId: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
  },
  versionNotFound: {
    type: problemType('todo-version-not-found'),
    title: 'Todo version not found',
    status: 404,
    detail: 'Todo 3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e has no version 9; its latest is 3.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e?version=9',
    code: 'TODO_VERSION_NOT_FOUND',
    todoId: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
    version: 9,
    currentVersion: 3,
  },
} satisfies Record<string, ProblemDetails>;
