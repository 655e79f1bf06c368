import { DomainError } from '../../shared/domain/domain-error';

export class ListNameInvalidError extends DomainError {
  readonly code = 'LIST_NAME_INVALID';
  readonly kind = 'invalid';

  constructor(reason: string) {
    super(`Name is invalid: ${reason}.`, { field: 'name', reason });
  }
}

export class ListAlreadyExistsError extends DomainError {
  readonly code = 'LIST_ALREADY_EXISTS';
  readonly kind = 'conflict';

  constructor(listId: string) {
    super(`List ${listId} already exists.`, { listId });
  }
}

export class ListNotFoundError extends DomainError {
  readonly code = 'LIST_NOT_FOUND';
  readonly kind = 'not_found';

  constructor(listId: string) {
    super(`List ${listId} does not exist.`, { listId });
  }
}

/** The list holds as many todos as a list may; remove one first. */
export class ListFullError extends DomainError {
  readonly code = 'LIST_FULL';
  readonly kind = 'conflict';

  constructor(listId: string, maxTodos: number) {
    super(`List ${listId} already holds ${maxTodos} todos, the most a list may hold.`, {
      listId,
      maxTodos,
    });
  }
}

/** An archived list is read-only. */
export class ListArchivedError extends DomainError {
  readonly code = 'LIST_ARCHIVED';
  readonly kind = 'conflict';

  constructor(listId: string) {
    super(`List ${listId} is archived and takes no more changes.`, { listId });
  }
}
