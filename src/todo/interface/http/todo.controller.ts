import { RequiresScope } from '../../../auth/requires-scope.decorator';
import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  applyDecorators,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  ApiProblem,
  PROBLEM_EXAMPLES as P,
} from '../../../shared/interface/http/api-problem.decorator';
import { TODO_PROBLEM_EXAMPLES as T } from './todo-problem-examples';
import { IdempotencyKey } from '../../../shared/interface/http/idempotency-key';
import type { IdempotencyKeyOfRequest } from '../../../shared/interface/http/idempotency-key';
import { IfMatch, IfMatchPipe, etagOf } from '../../../shared/interface/http/if-match';
import { sendJsonText } from '../../../shared/interface/http/json-text';
import {
  isNotModified,
  notModified,
  parseIfNoneMatch,
  weakEtag,
  weakTagOf,
} from '../../../shared/interface/http/if-none-match';
import { uuidParam } from '../../../shared/interface/http/validation';
import {
  IdempotencyKeyHeader,
  IfMatchHeader,
  RESPONSE_HEADERS as H,
  RequestIdHeader,
} from '../../../shared/interface/http/write-headers';
import {
  ApiCreateProblems,
  ApiExistingWriteProblems,
} from '../../../shared/interface/http/write-problems';
import { ChangeTitleCommand } from '../../application/commands/change-title';
import { CompleteTodoCommand } from '../../application/commands/complete-todo';
import { CreateTodoCommand } from '../../application/commands/create-todo';
import { DeleteTodoCommand } from '../../application/commands/delete-todo';
import { ReopenTodoCommand } from '../../application/commands/reopen-todo';
import { GetTodoAtVersionQuery } from '../../application/queries/get-todo-at-version.query';
import { GetTodoHistoryQuery } from '../../application/queries/get-todo-history.query';
import { GetTodoQuery } from '../../application/queries/get-todo.query';
import { GetTodoVersionQuery } from '../../application/queries/get-todo-version.query';
import { ListTodosQuery } from '../../application/queries/list-todos.query';
import type { TodoHistory, TodoView } from '../../application/todo-view';
import { GetTodoQueryDto } from './dto/get-todo.query.dto';
import { ListTodosQueryDto } from './dto/list-todos.query.dto';
import { TodoHistoryQueryDto } from './dto/todo-history.query.dto';
import { TodoTitleDto } from './dto/todo-title.dto';
import {
  TodoHistoryResponseDto,
  TodoListResponseDto,
  TodoResponseDto,
} from './dto/todo.response.dto';
import { listBody, nextLink, sendChanged, sendCreated, sendDeleted } from './todo-http-responses';

const ID_PARAM = { name: 'id', format: 'uuid', description: 'The todo id.' } as const;

const string = { schema: { type: 'string' } } as const;
const { etag: ETAG, requestId: REQUEST_ID, replayed: REPLAYED } = H;

const LIST_ETAG =
  'Weak entity tag of the page: it changes when an item on it changes, or the page holds other todos.';

const IF_NONE_MATCH = (what: string) =>
  ApiHeader({
    name: 'If-None-Match',
    required: false,
    description:
      `Answer 304 Not Modified, without a body, if ${what} still has one of these entity tags ` +
      '(compared weakly: `W/"3"` matches `"3"`), or `*`. A malformed value is ignored.',
    schema: { type: 'string' },
  });
const NOT_MODIFIED = (what: string, etag: string) =>
  ApiResponse({
    status: 304,
    description: `Not Modified: ${what} still has an entity tag listed in If-None-Match.`,
    headers: { ETag: { description: etag, ...string }, ...REQUEST_ID },
  });

/** The errors every idempotent write on an existing todo can answer, beside its own 409s. */
const WRITE_ERRORS = applyDecorators(
  ApiProblem(400, 'The id is not a UUID, or a malformed If-Match or Idempotency-Key.', [
    P.validation,
    P.invalidHeader,
  ]),
  ApiProblem(410, 'The todo was deleted.', [T.deleted]),
  ApiExistingWriteProblems('todo', T.notFound, { idempotent: true }),
);

/** A change of status (complete, reopen): an If-Match'd, idempotent POST answering the todo. */
const STATUS_CHANGE = applyDecorators(
  HttpCode(HttpStatus.OK),
  ApiParam(ID_PARAM),
  IfMatchHeader('the todo'),
  IdempotencyKeyHeader(),
  ApiOkResponse({
    type: TodoResponseDto,
    description: 'The todo after the change (or the answer to a retry with the same key).',
    headers: { ...ETAG, ...REQUEST_ID, ...REPLAYED },
  }),
  WRITE_ERRORS,
);

@ApiTags('todos')
@RequestIdHeader()
@ApiProblem(500, 'Unexpected failure; details are logged, not returned.', [P.internal])
@Controller('todos')
export class TodoController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @RequiresScope('todos:write')
  @Post()
  @ApiOperation({
    summary: 'Create a todo',
    description:
      'Records a TodoCreated event; the new todo is at version 1. Send an Idempotency-Key to ' +
      'make a retry safe.',
  })
  @IdempotencyKeyHeader()
  @ApiBody({ type: TodoTitleDto })
  @ApiCreatedResponse({
    type: TodoResponseDto,
    description: 'Created (or the stored response to a retry with the same Idempotency-Key).',
    headers: { ...H.location('todo'), ...ETAG, ...REQUEST_ID, ...REPLAYED },
  })
  @ApiProblem(
    400,
    'Malformed JSON, wrong types, unknown fields, a title that breaks the rules, or a malformed Idempotency-Key.',
    [P.validation, P.malformedBody, T.titleInvalid],
  )
  @ApiCreateProblems('todo')
  async create(
    @Body() body: TodoTitleDto,
    @IdempotencyKey() idempotency: IdempotencyKeyOfRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TodoView> {
    const result = await this.commands.execute(
      new CreateTodoCommand(body.title, undefined, idempotency),
    );
    return sendCreated(response, result);
  }

  @RequiresScope('todos:read')
  @Get()
  @ApiOperation({
    summary: 'List todos, newest first, a page at a time',
    description:
      'Keyset pagination: follow `nextCursor` (or the `Link` header) until it is null. A walk ' +
      'sees every todo that existed when it started exactly once, whatever is created meanwhile.',
  })
  @IF_NONE_MATCH('the page')
  @ApiOkResponse({
    type: TodoListResponseDto,
    headers: {
      ETag: { description: LIST_ETAG, ...string },
      ...H.link('cursor'),
      ...REQUEST_ID,
    },
  })
  @NOT_MODIFIED('the page', LIST_ETAG)
  @ApiProblem(400, 'Invalid query parameters, or a cursor that is malformed or was altered.', [
    P.validation,
    P.invalidCursor,
  ])
  async list(
    @Query() query: ListTodosQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<string | undefined> {
    const page = await this.queries.execute(
      new ListTodosQuery({ completed: query.completed, limit: query.limit, cursor: query.cursor }),
    );
    if (page.nextCursor !== null) {
      response.setHeader(
        'Link',
        nextLink('/todos', {
          completed: query.completed === undefined ? undefined : String(query.completed),
          limit: query.limit,
          cursor: page.nextCursor,
        }),
      );
    }
    const body = listBody(page);
    const tag = weakTagOf(body);
    response.setHeader('ETag', weakEtag(tag));
    if (isNotModified(parseIfNoneMatch(ifNoneMatch), tag)) return notModified(response);
    return sendJsonText(response, body);
  }

  @RequiresScope('todos:read')
  @Get(':id')
  @ApiOperation({
    summary: 'Get a todo, now or at an earlier version',
    description:
      'Without `version`: the current state from the read model. With `version=N`: the state ' +
      'folded from events 1..N of the log.',
  })
  @ApiParam(ID_PARAM)
  @IF_NONE_MATCH('the todo (or the past version asked for)')
  @ApiOkResponse({ type: TodoResponseDto, headers: { ...ETAG, ...REQUEST_ID } })
  @NOT_MODIFIED('the todo', ETAG.ETag.description)
  @ApiProblem(400, 'The id is not a UUID, or the version is not a positive integer.', [
    P.validation,
  ])
  @ApiProblem(404, 'No todo has this id, or it has no such version.', [
    T.notFound,
    T.versionNotFound,
  ])
  @ApiProblem(
    410,
    'The todo was deleted (at or before the version asked for); its history stays readable.',
    [T.deleted],
  )
  @ApiProblem(
    503,
    'Too many reads of past versions at once, or the database is unavailable; retry after Retry-After.',
    [P.streamBusy],
  )
  async get(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: GetTodoQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TodoView | undefined> {
    // The current state is checked reading its version alone. A past version is read first (its
    // ETag is its own version, so express's freshness check then answers 304 for it), and the
    // current version must not answer for a version the todo never reached.
    const cached = query.version === undefined ? parseIfNoneMatch(ifNoneMatch) : undefined;
    if (cached) {
      const version = await this.queries.execute(new GetTodoVersionQuery(id));
      if (version !== undefined && isNotModified(cached, String(version))) {
        response.setHeader('ETag', etagOf(version));
        return notModified(response);
      }
    }
    const todo = await this.queries.execute(
      query.version === undefined
        ? new GetTodoQuery(id)
        : new GetTodoAtVersionQuery(id, query.version),
    );
    response.setHeader('ETag', etagOf(todo.version));
    return todo;
  }

  @RequiresScope('todos:read')
  @Get(':id/events')
  @ApiOperation({
    summary: "A todo's history: its events in order, a page at a time",
    description:
      "Read from the event log, with each event's metadata and recording time; a deleted todo's history stays readable.",
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({
    type: TodoHistoryResponseDto,
    headers: {
      ...H.link('after'),
      ...REQUEST_ID,
    },
  })
  @ApiProblem(400, 'The id is not a UUID, or invalid query parameters.', [P.validation])
  @ApiProblem(404, 'No todo has this id.', [T.notFound])
  async history(
    @Param('id', uuidParam('id')) id: string,
    @Query() query: TodoHistoryQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TodoHistory> {
    const page = await this.queries.execute(new GetTodoHistoryQuery(id, query.after, query.limit));
    if (page.nextAfter !== null) {
      response.setHeader(
        'Link',
        nextLink(`/todos/${id}/events`, { after: page.nextAfter, limit: query.limit }),
      );
    }
    return page;
  }

  @RequiresScope('todos:write')
  @Patch(':id')
  @ApiOperation({
    summary: "Change a todo's title",
    description: 'The same title again changes nothing and succeeds.',
  })
  @ApiParam(ID_PARAM)
  @IfMatchHeader('the todo')
  @ApiBody({ type: TodoTitleDto })
  @ApiOkResponse({
    type: TodoResponseDto,
    description: 'The todo after the change.',
    headers: { ...ETAG, ...REQUEST_ID },
  })
  @ApiProblem(400, 'Invalid id, body or If-Match, or a title that breaks the rules.', [
    P.validation,
    P.malformedBody,
    T.titleInvalid,
    P.invalidHeader,
  ])
  @ApiProblem(409, 'The todo is completed (reopen it first).', [T.alreadyCompleted])
  @ApiProblem(410, 'The todo was deleted.', [T.deleted])
  @ApiExistingWriteProblems('todo', T.notFound, { idempotent: false })
  async changeTitle(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: TodoTitleDto,
    @IfMatch(IfMatchPipe) expectedVersions: readonly number[] | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TodoView> {
    const result = await this.commands.execute(
      new ChangeTitleCommand(id, body.title, { expectedVersions }),
    );
    return sendChanged(response, result);
  }

  @RequiresScope('todos:write')
  @Post(':id/complete')
  @ApiOperation({
    summary: 'Complete a todo',
    description: 'Records a TodoCompleted event. A completed todo can no longer change.',
  })
  @STATUS_CHANGE
  @ApiProblem(
    409,
    'The todo is already completed, or a request with the same Idempotency-Key is still being processed.',
    [T.alreadyCompleted, P.idempotencyInFlight],
  )
  async complete(
    @Param('id', uuidParam('id')) id: string,
    @IfMatch(IfMatchPipe) expectedVersions: readonly number[] | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyOfRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TodoView> {
    const result = await this.commands.execute(
      new CompleteTodoCommand(id, { expectedVersions, idempotency }),
    );
    return sendChanged(response, result);
  }

  @RequiresScope('todos:write')
  @Post(':id/reopen')
  @ApiOperation({ summary: 'Reopen a completed todo', description: 'It can be changed again.' })
  @STATUS_CHANGE
  @ApiProblem(
    409,
    'The todo is not completed, or a request with the same Idempotency-Key is still being processed.',
    [T.notCompleted, P.idempotencyInFlight],
  )
  async reopen(
    @Param('id', uuidParam('id')) id: string,
    @IfMatch(IfMatchPipe) expectedVersions: readonly number[] | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyOfRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TodoView> {
    const result = await this.commands.execute(
      new ReopenTodoCommand(id, { expectedVersions, idempotency }),
    );
    return sendChanged(response, result);
  }

  @RequiresScope('todos:write')
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    summary: 'Delete a todo',
    description:
      'Appends a tombstone (`TodoDeleted`): afterwards the todo reads as 410 Gone, leaves lists and ' +
      'takes no more commands (410); its history (`/todos/{id}/events`) stays readable. Retry ' +
      'safely with an Idempotency-Key; without one, deleting again answers 410.',
  })
  @ApiParam(ID_PARAM)
  @IfMatchHeader('the todo')
  @IdempotencyKeyHeader()
  @ApiNoContentResponse({
    description: 'Deleted (or the answer to a retry with the same key).',
    headers: {
      ETag: { description: "Strong entity tag of the tombstone's version.", ...string },
      ...REQUEST_ID,
      ...REPLAYED,
    },
  })
  @WRITE_ERRORS
  @ApiProblem(409, 'A request with the same Idempotency-Key is still being processed.', [
    P.idempotencyInFlight,
  ])
  async delete(
    @Param('id', uuidParam('id')) id: string,
    @IfMatch(IfMatchPipe) expectedVersions: readonly number[] | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyOfRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    const result = await this.commands.execute(
      new DeleteTodoCommand(id, { expectedVersions, idempotency }),
    );
    sendDeleted(response, result);
  }
}
