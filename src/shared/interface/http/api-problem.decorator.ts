import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, problemType } from './problem-details';
import type { ProblemDetails } from './problem-details';
import { ProblemDetailsDto } from './problem-details.dto';

/** Example problems by name, reused across routes. */
export const PROBLEM_EXAMPLES = {
  validation: {
    type: problemType('validation-error'),
    title: 'Invalid request',
    status: 400,
    detail: 'The request has invalid input: title.',
    instance: '/todos',
    errors: [{ field: 'title', messages: ['title must be a string'] }],
  },
  malformedBody: {
    type: problemType('malformed-body'),
    title: 'Malformed request body',
    status: 400,
    detail: 'The request body is not valid JSON.',
    instance: '/todos',
  },
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
    detail:
      'Todo 3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e is already completed and can no longer change.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e/complete',
    code: 'TODO_ALREADY_COMPLETED',
    todoId: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
  },
  concurrency: {
    type: problemType('concurrency-conflict'),
    title: 'Concurrency conflict',
    status: 409,
    detail:
      'Stream 3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e was expected at version 2 but is at version 3; it was changed concurrently.',
    instance: '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
    code: 'CONCURRENCY_CONFLICT',
    streamId: '3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
    expectedVersion: 2,
    actualVersion: 3,
  },
  internal: {
    type: problemType('internal-error'),
    title: 'Internal server error',
    status: 500,
    detail: 'An unexpected error occurred. It has been logged.',
    instance: '/todos',
  },
} satisfies Record<string, ProblemDetails>;

/** Documents one error status of a route as `application/problem+json` with examples. */
export function ApiProblem(
  status: number,
  description: string,
  examples: ProblemDetails[],
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDetailsDto),
    ApiResponse({
      status,
      description,
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: { $ref: getSchemaPath(ProblemDetailsDto) },
          examples: Object.fromEntries(
            examples.map((example) => [
              example.type.slice(example.type.lastIndexOf(':') + 1),
              { value: example },
            ]),
          ),
        },
      },
    }),
  );
}
