import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Res,
  applyDecorators,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { RequiresScope } from '../../../auth/requires-scope.decorator';
import {
  ApiProblem,
  PROBLEM_EXAMPLES as P,
} from '../../../shared/interface/http/api-problem.decorator';
import { IdempotencyKey } from '../../../shared/interface/http/idempotency-key';
import type { IdempotencyKeyOfRequest } from '../../../shared/interface/http/idempotency-key';
import { IfMatch, IfMatchPipe, etagOf } from '../../../shared/interface/http/if-match';
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
import { nextLink } from '../../../shared/interface/http/next-link';
import { AddTodoToListCommand } from '../../application/commands/add-todo-to-list';
import { ArchiveListCommand } from '../../application/commands/archive-list';
import { CreateListCommand } from '../../application/commands/create-list';
import { RemoveTodoFromListCommand } from '../../application/commands/remove-todo-from-list';
import { RenameListCommand } from '../../application/commands/rename-list';
import { GetListQuery } from '../../application/queries/get-list';
import { ListListsQuery } from '../../application/queries/list-lists';
import { ShowWrittenListQuery } from '../../application/queries/show-written-list';
import type { ListWriteResult } from '../../application/list-write';
import type { ListPage, ListView } from '../../application/list-view';
import { AddTodoDto } from './dto/add-todo.dto';
import { ArchiveListDto } from './dto/archive-list.dto';
import { ListListsQueryDto } from './dto/list-lists.query.dto';
import { ListNameDto } from './dto/list-name.dto';
import { ListPageResponseDto, ListResponseDto } from './dto/list.response.dto';
import { LIST_PROBLEM_EXAMPLES as L } from './list-problem-examples';
import { sendChanged, sendCreated } from './list-http-responses';

const ID_PARAM = { name: 'id', format: 'uuid', description: 'The list id.' } as const;
const TODO_ID_PARAM = { name: 'todoId', format: 'uuid', description: 'The todo id.' } as const;

/** A write on an existing list answering the list: 200, If-Match, the errors every such write shares. */
const LIST_WRITE = (body: string) =>
  applyDecorators(
    HttpCode(HttpStatus.OK),
    ApiParam(ID_PARAM),
    IfMatchHeader('the list'),
    ApiOkResponse({
      type: ListResponseDto,
      description: `${body} (or the answer to a retry with the same key).`,
      headers: { ...H.etag, ...H.requestId, ...H.replayed },
    }),
    ApiExistingWriteProblems('list', L.notFound, { idempotent: true }),
  );

const IN_FLIGHT_OR_ARCHIVED = (more: string, extra: (typeof L)[keyof typeof L][] = []) =>
  ApiProblem(
    409,
    `The list is archived${more}, or a request with the same Idempotency-Key is still being processed.`,
    [L.archived, ...extra, P.idempotencyInFlight],
  );

@ApiTags('lists')
@RequestIdHeader()
@ApiProblem(500, 'Unexpected failure; details are logged, not returned.', [P.internal])
@Controller('lists')
export class ListController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @RequiresScope('lists:write')
  @ApiOperation({
    summary: 'Create a list',
    description:
      'Records a ListCreated event; the new list is empty, at version 1. Send an ' +
      'Idempotency-Key to make a retry safe.',
  })
  @IdempotencyKeyHeader()
  @ApiBody({ type: ListNameDto })
  @ApiCreatedResponse({
    type: ListResponseDto,
    description: 'Created (or the stored response to a retry with the same Idempotency-Key).',
    headers: { ...H.location('list'), ...H.etag, ...H.requestId, ...H.replayed },
  })
  @ApiProblem(
    400,
    'Malformed JSON, wrong types, unknown fields, a name that breaks the rules, or a malformed Idempotency-Key.',
    [P.validation, P.malformedBody, L.nameInvalid],
  )
  @ApiCreateProblems('list')
  async create(
    @Body() body: ListNameDto,
    @IdempotencyKey() idempotency: IdempotencyKeyOfRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ListView> {
    return this.sendCreated(
      response,
      this.commands.execute(new CreateListCommand(body.name, idempotency)),
    );
  }

  @Get()
  @RequiresScope('lists:read')
  @ApiOperation({
    summary: 'List lists, newest first, a page at a time',
    description:
      'Each with its counts, without its todos. Keyset pagination: follow `nextCursor` (or the ' +
      '`Link` header) until it is null.',
  })
  @ApiOkResponse({ type: ListPageResponseDto, headers: { ...H.link('cursor'), ...H.requestId } })
  @ApiProblem(400, 'Invalid query parameters, or a cursor that is malformed or was altered.', [
    P.validation,
    P.invalidCursor,
  ])
  async list(
    @Query() query: ListListsQueryDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ListPage> {
    const page = await this.queries.execute(
      new ListListsQuery({ archived: query.archived, limit: query.limit, cursor: query.cursor }),
    );
    if (page.nextCursor !== null) {
      response.setHeader(
        'Link',
        nextLink('/lists', {
          archived: query.archived === undefined ? undefined : String(query.archived),
          limit: query.limit,
          cursor: page.nextCursor,
        }),
      );
    }
    return page;
  }

  @Get(':id')
  @RequiresScope('lists:read')
  @ApiOperation({
    summary: 'Get a list with its todos',
    description:
      "The list's todos in order, each with its current title and completed flag, and counts. " +
      "The list's own changes show at once; its todos' changes within moments (the view " +
      'follows the todo events). A deleted todo leaves the view. The ETag is the list version.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: ListResponseDto, headers: { ...H.etag, ...H.requestId } })
  @ApiProblem(400, 'The id is not a UUID.', [P.validation])
  @ApiProblem(404, 'No list has this id.', [L.notFound])
  async get(
    @Param('id', uuidParam('id')) id: string,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ListView> {
    const list = await this.queries.execute(new GetListQuery(id));
    response.setHeader('ETag', etagOf(list.version));
    return list;
  }

  @Patch(':id')
  @RequiresScope('lists:write')
  @ApiOperation({
    summary: 'Rename a list',
    description: 'The same name again changes nothing and succeeds.',
  })
  @LIST_WRITE('The list after the change')
  @ApiBody({ type: ListNameDto })
  @ApiProblem(400, 'Invalid id, body or If-Match, or a name that breaks the rules.', [
    P.validation,
    P.malformedBody,
    L.nameInvalid,
    P.invalidHeader,
  ])
  @ApiProblem(409, 'The list is archived.', [L.archived])
  async rename(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: ListNameDto,
    @IfMatch(IfMatchPipe) expectedVersions: readonly number[] | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ListView> {
    return this.sendChanged(
      response,
      this.commands.execute(new RenameListCommand(id, body.name, { expectedVersions })),
    );
  }

  @Post(':id/todos')
  @RequiresScope('lists:write')
  @ApiOperation({
    summary: 'Add a todo to a list',
    description:
      'At the end of the list. A todo is in a list at most once: adding it again changes ' +
      'nothing and answers 200 with the list. The todo must exist and not be deleted (404 ' +
      'todo-not-found otherwise); at most 1000 todos per list.',
  })
  @LIST_WRITE('The list with the todo')
  @IdempotencyKeyHeader()
  @ApiBody({ type: AddTodoDto })
  @ApiProblem(400, 'Invalid id, body, If-Match or Idempotency-Key.', [
    P.validation,
    P.malformedBody,
    P.invalidHeader,
  ])
  @ApiProblem(404, 'No list has this id, or no todo has the todo id (or it was deleted).', [
    L.notFound,
    L.todoNotFound,
  ])
  @IN_FLIGHT_OR_ARCHIVED(' or full (1000 todos)', [L.full])
  async addTodo(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: AddTodoDto,
    @IfMatch(IfMatchPipe) expectedVersions: readonly number[] | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyOfRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ListView> {
    return this.sendChanged(
      response,
      this.commands.execute(
        new AddTodoToListCommand(id, body.todoId, { expectedVersions, idempotency }),
      ),
    );
  }

  @Delete(':id/todos/:todoId')
  @RequiresScope('lists:write')
  @ApiOperation({
    summary: 'Remove a todo from a list',
    description:
      'The todo itself stays. Removing a todo that is not in the list changes nothing and ' +
      'answers 200 with the list.',
  })
  @LIST_WRITE('The list without the todo')
  @ApiParam(TODO_ID_PARAM)
  @IdempotencyKeyHeader()
  @ApiProblem(400, 'An id is not a UUID, or a malformed If-Match or Idempotency-Key.', [
    P.validation,
    P.invalidHeader,
  ])
  @IN_FLIGHT_OR_ARCHIVED('')
  async removeTodo(
    @Param('id', uuidParam('id')) id: string,
    @Param('todoId', uuidParam('todoId')) todoId: string,
    @IfMatch(IfMatchPipe) expectedVersions: readonly number[] | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyOfRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ListView> {
    return this.sendChanged(
      response,
      this.commands.execute(
        new RemoveTodoFromListCommand(id, todoId, { expectedVersions, idempotency }),
      ),
    );
  }

  @Post(':id/archive')
  @RequiresScope('lists:write')
  @ApiOperation({
    summary: 'Archive a list',
    description:
      'An archived list takes no more changes (409 list-archived). With `completeOpenTodos: ' +
      'true`, every open todo of the list is then completed, shortly after this answer, each ' +
      'exactly once (a policy reacting to ListArchived; todos completed or deleted meanwhile ' +
      'are skipped).',
  })
  @LIST_WRITE('The archived list')
  @IdempotencyKeyHeader()
  @ApiBody({ type: ArchiveListDto, required: false })
  @ApiProblem(400, 'Invalid id, body, If-Match or Idempotency-Key.', [
    P.validation,
    P.malformedBody,
    P.invalidHeader,
  ])
  @IN_FLIGHT_OR_ARCHIVED(' already')
  async archive(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: ArchiveListDto,
    @IfMatch(IfMatchPipe) expectedVersions: readonly number[] | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyOfRequest | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ListView> {
    return this.sendChanged(
      response,
      this.commands.execute(
        new ArchiveListCommand(id, body.completeOpenTodos === true, {
          expectedVersions,
          idempotency,
        }),
      ),
    );
  }

  private async sendCreated(response: Response, write: Promise<ListWriteResult>) {
    const result = await write;
    return sendCreated(
      response,
      result,
      await this.queries.execute(new ShowWrittenListQuery(result)),
    );
  }

  private async sendChanged(response: Response, write: Promise<ListWriteResult>) {
    const result = await write;
    return sendChanged(
      response,
      result,
      await this.queries.execute(new ShowWrittenListQuery(result)),
    );
  }
}
