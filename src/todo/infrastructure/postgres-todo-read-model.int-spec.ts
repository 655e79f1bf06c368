import { createScratchDatabase, openDatabase } from '../../../test/support/database';
import { parseJsonText } from '../../shared/application/json-text';
import type { TodoListPosition } from '../application/todo-read-model';
import { PostgresTodoReadModel, listStatement } from './postgres-todo-read-model';
import type { TestDatabase } from '../../../test/support/database';

type PlanNode = {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
};

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

// A database of its own: 50 000 rows would otherwise crowd every other test's lists.
describe('PostgresTodoReadModel on a large table', () => {
  const ROWS = 50_000;
  let scratch: { url: string; drop: () => Promise<void> };
  let database: TestDatabase;
  let readModel: PostgresTodoReadModel;

  beforeAll(async () => {
    scratch = await createScratchDatabase('read_model_plans');
    database = await openDatabase(scratch.url);
    // Groups of three share a creation time, so the id must break ties.
    await database.rows(
      `INSERT INTO todo_read_views (id, title, completed, version, created_at, updated_at)
       SELECT gen_random_uuid(), 'todo ' || i, i % 4 = 0, 1,
              timestamptz '2026-01-01' + ((i / 3) * interval '1 millisecond') + interval '1 microsecond',
              now()
       FROM generate_series(1, $1) AS i`,
      [ROWS],
    );
    await database.rows('ANALYZE todo_read_views');
    readModel = new PostgresTodoReadModel(database);
  }, 60_000);

  afterAll(async () => {
    await database?.close();
    await scratch?.drop();
  });

  const position: TodoListPosition = {
    createdAt: '2026-01-01T00:00:08.000001Z',
    id: '80000000-0000-4000-8000-000000000000',
  };

  const cases: [string, boolean | undefined, TodoListPosition | undefined][] = [
    ['no filter, first page', undefined, undefined],
    ['no filter, after a cursor', undefined, position],
    ['completed, first page', true, undefined],
    ['completed, after a cursor', true, position],
    ['open, first page', false, undefined],
    ['open, after a cursor', false, position],
  ];

  function expectOrderedIndexRead(plan: PlanNode): void {
    const nodes = nodesOf(plan);
    const types = nodes.map((node) => node['Node Type']);
    expect(types).not.toContain('Seq Scan');
    expect(types).not.toContain('Sort');
    // For a filter that keeps most rows the planner may rightly prefer the plain order index.
    expect(
      nodes.some((node) =>
        ['todo_read_views_created_idx', 'todo_read_views_completed_created_idx'].includes(
          node['Index Name'] ?? '',
        ),
      ),
    ).toBe(true);
  }

  type Explained = [{ 'QUERY PLAN': [{ Plan: PlanNode }] }];

  it.each(cases)(
    '%s: read in order from an index, no sequential scan, no sort',
    async (_c, completed, after) => {
      const [statement, parameters] = listStatement(21, completed, after);
      const [{ 'QUERY PLAN': plans }] = (await database.rows(
        `EXPLAIN (FORMAT JSON) ${statement.text}`,
        parameters,
      )) as Explained;
      expectOrderedIndexRead(plans[0].Plan);
    },
  );

  // The statements are prepared (named), and PostgreSQL may switch a prepared statement to one
  // generic plan that ignores the parameters' values: that plan must read in order too.
  it.each(cases)('%s: the generic plan reads in order as well', async (_c, completed, after) => {
    const [statement, parameters] = listStatement(21, completed, after);
    await database.withConnection(async (runner) => {
      await runner.query('SET plan_cache_mode = force_generic_plan');
      await runner.query(`PREPARE generic_list AS ${statement.text}`);
      // EXECUTE takes its arguments as SQL, not as bound parameters.
      const literals = parameters
        .map((value) =>
          typeof value === 'string' ? `'${value.replaceAll("'", "''")}'` : String(value),
        )
        .join(', ');
      const [{ 'QUERY PLAN': plans }] = (
        await runner.query(`EXPLAIN (FORMAT JSON) EXECUTE generic_list(${literals})`)
      ).rows as Explained;
      expectOrderedIndexRead(plans[0].Plan);
      // The setting ends with the lending; a prepared statement would outlive it.
      await runner.query('DEALLOCATE generic_list');
    });
  });

  it('pages through every row exactly once, in order, ties broken by id', async () => {
    const expected = await database.rows<{ id: string }>(
      'SELECT id FROM todo_read_views WHERE completed ORDER BY created_at DESC, id DESC',
    );
    const seen: string[] = [];
    let after: TodoListPosition | undefined;
    for (let page = 0; page < 1000; page++) {
      const result = await readModel.list({ completed: true, limit: 100, after });
      seen.push(...parseJsonText(result.items).map((item) => item.id));
      if (!result.next) break;
      after = result.next;
    }
    expect(seen).toEqual(expected.map((row) => row.id));
  });
});
