import { DomainError } from '../../shared/domain/domain-error';

export class TodoTitleInvalidError extends DomainError {
  readonly code = 'TODO_TITLE_INVALID';
  readonly kind = 'invalid';

  constructor(reason: string) {
    super(`Title is invalid: ${reason}.`, { field: 'title', reason });
  }
}

export class TodoAlreadyExistsError extends DomainError {
  readonly code = 'TODO_ALREADY_EXISTS';
  readonly kind = 'conflict';

  constructor(todoId: string) {
    super(`Todo ${todoId} already exists.`, { todoId });
  }
}

export class TodoNotFoundError extends DomainError {
  readonly code = 'TODO_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(todoId: string) {
    super(`Todo ${todoId} does not exist.`, { todoId });
  }
}

export class TodoAlreadyCompletedError extends DomainError {
  readonly code = 'TODO_ALREADY_COMPLETED';
  readonly kind = 'conflict';

  constructor(todoId: string) {
    super(`Todo ${todoId} is already completed and can no longer change.`, { todoId });
  }
}

export class TodoVersionNotFoundError extends DomainError {
  readonly code = 'TODO_VERSION_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(todoId: string, version: number, currentVersion: number) {
    super(`Todo ${todoId} has no version ${version}; its latest is ${currentVersion}.`, {
      todoId,
      version,
      currentVersion,
    });
  }
}
