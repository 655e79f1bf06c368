import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Res,
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
import {
  ApiProblem,
  PROBLEM_EXAMPLES as P,
} from '../../../shared/interface/http/api-problem.decorator';
import { uuidParam } from '../../../shared/interface/http/validation';
import { ChangeTitleCommand } from '../../application/commands/change-title.command';
import { CompleteTodoCommand } from '../../application/commands/complete-todo.command';
import { CreateTodoCommand } from '../../application/commands/create-todo.command';
import { GetTodoQuery } from '../../application/queries/get-todo.query';
import { ListTodosQuery } from '../../application/queries/list-todos.query';
import type { TodoList, TodoView } from '../../application/todo-view';
import { ListTodosQueryDto } from './dto/list-todos.query.dto';
import { TodoTitleDto } from './dto/todo-title.dto';
import { TodoListResponseDto, TodoResponseDto } from './dto/todo.response.dto';

const ID_PARAM = { name: 'id', format: 'uuid', description: 'The todo id.' } as const;

@ApiTags('todos')
@ApiProblem(500, 'Unexpected failure; details are logged, not returned.', [P.internal])
@Controller('todos')
export class TodoController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a todo' })
  @ApiBody({ type: TodoTitleDto })
  @ApiCreatedResponse({
    type: TodoResponseDto,
    description: 'Created.',
    headers: { Location: { description: 'URL of the new todo.', schema: { type: 'string' } } },
  })
  @ApiProblem(
    400,
    'Malformed JSON, wrong types, unknown fields, or a title that breaks the rules.',
    [P.validation, P.malformedBody, P.titleInvalid],
  )
  async create(
    @Body() body: TodoTitleDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TodoView> {
    const todo = await this.commands.execute(new CreateTodoCommand(body.title));
    response.location(`/todos/${todo.id}`);
    return todo;
  }

  @Get()
  @ApiOperation({ summary: 'List todos, newest first' })
  @ApiOkResponse({ type: TodoListResponseDto })
  @ApiProblem(400, 'Invalid query parameters.', [P.validation])
  list(@Query() query: ListTodosQueryDto): Promise<TodoList> {
    return this.queries.execute(
      new ListTodosQuery({ completed: query.completed, limit: query.limit }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a todo' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: TodoResponseDto })
  @ApiProblem(400, 'The id is not a UUID.', [P.validation])
  @ApiProblem(404, 'No todo has this id.', [P.notFound])
  get(@Param('id', uuidParam('id')) id: string): Promise<TodoView> {
    return this.queries.execute(new GetTodoQuery(id));
  }

  @Patch(':id')
  @ApiOperation({
    summary: "Change a todo's title",
    description: 'The same title again changes nothing and succeeds.',
  })
  @ApiParam(ID_PARAM)
  @ApiBody({ type: TodoTitleDto })
  @ApiOkResponse({ type: TodoResponseDto, description: 'The todo after the change.' })
  @ApiProblem(400, 'Invalid id or body, or a title that breaks the rules.', [
    P.validation,
    P.malformedBody,
    P.titleInvalid,
  ])
  @ApiProblem(404, 'No todo has this id.', [P.notFound])
  @ApiProblem(409, 'The todo is completed, or a concurrent change won the race.', [
    P.alreadyCompleted,
    P.concurrency,
  ])
  changeTitle(
    @Param('id', uuidParam('id')) id: string,
    @Body() body: TodoTitleDto,
  ): Promise<TodoView> {
    return this.commands.execute(new ChangeTitleCommand(id, body.title));
  }

  @Post(':id/complete')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Complete a todo' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: TodoResponseDto, description: 'The todo after the change.' })
  @ApiProblem(400, 'The id is not a UUID.', [P.validation])
  @ApiProblem(404, 'No todo has this id.', [P.notFound])
  @ApiProblem(409, 'The todo is already completed, or a concurrent change won the race.', [
    P.alreadyCompleted,
    P.concurrency,
  ])
  complete(@Param('id', uuidParam('id')) id: string): Promise<TodoView> {
    return this.commands.execute(new CompleteTodoCommand(id));
  }
}
