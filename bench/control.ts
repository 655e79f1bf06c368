/**
 * The controls of the read scenarios: the HTTP stack alone, answering the service's own responses.
 * `CONTROL=express` is an express app (the service's HTTP framework) with one handler per route;
 * `CONTROL=http` is a bare node:http server. Both answer `GET /todos/:id` with the todo and
 * `GET /todos` with the page that bench/run.ts captured from the service (body and headers, read
 * from the JSON file at `CONTROL_RESPONSES`), whatever the id or query. What the service reaches as
 * a share of these is what its own work on top of the framework leaves.
 *
 * Started by bench/run.ts with PORT, like the service.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

export type CapturedResponse = { body: string; headers: Record<string, string> };
export type ControlResponses = { todo: CapturedResponse; page: CapturedResponse };

const responses = JSON.parse(
  readFileSync(process.env.CONTROL_RESPONSES ?? '', 'utf8'),
) as ControlResponses;
const kind = process.env.CONTROL;

function listen(server: http.Server): void {
  server.listen(Number(process.env.PORT ?? 3000), () => {
    const { port } = server.address() as AddressInfo;
    process.stdout.write(`Listening on http://localhost:${port}\n`);
  });
  process.once('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

if (kind === 'express') {
  const app = express();
  // As in the service: no ETag hashing of bodies, no X-Powered-By (the captured headers say what
  // the service does send).
  app.set('etag', false);
  app.disable('x-powered-by');
  app.get('/todos/:id', (_request, response) => {
    response.set(responses.todo.headers).send(responses.todo.body);
  });
  app.get('/todos', (_request, response) => {
    response.set(responses.page.headers).send(responses.page.body);
  });
  listen(http.createServer(app));
} else if (kind === 'http') {
  const prepared = (captured: CapturedResponse) => {
    const body = Buffer.from(captured.body);
    return { body, headers: { ...captured.headers, 'content-length': String(body.length) } };
  };
  const todo = prepared(responses.todo);
  const page = prepared(responses.page);
  listen(
    http.createServer((request, response) => {
      const url = request.url ?? '';
      const answer =
        request.method !== 'GET'
          ? undefined
          : url.startsWith('/todos/')
            ? todo
            : url === '/todos' || url.startsWith('/todos?')
              ? page
              : undefined;
      if (!answer) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, answer.headers).end(answer.body);
    }),
  );
} else {
  process.stderr.write(`CONTROL must be "express" or "http", not ${String(kind)}\n`);
  process.exit(1);
}
