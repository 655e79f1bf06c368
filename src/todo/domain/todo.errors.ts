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
    super(`Todo ${todoId} is completed; reopen it to change it.`, { todoId });
  }
}

export class TodoNotCompletedError extends DomainError {
  readonly code = 'TODO_NOT_COMPLETED';
  readonly kind = 'conflict';

  constructor(todoId: string) {
    super(`Todo ${todoId} is not completed, so it cannot be reopened.`, { todoId });
  }
}

/** The todo was deleted: it takes no more commands and reads as gone; its history stays. */
export class TodoDeletedError extends DomainError {
  readonly code = 'TODO_DELETED';
  readonly kind = 'gone';

  constructor(todoId: string) {
    super(`Todo ${todoId} was deleted.`, { todoId });
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
