import type { Response } from 'express';

/**
 * Sends JSON text as it is: the handler returns it, and Nest hands a string to express's `send`
 * instead of serialising an object with `json`.
 */
export function sendJsonText(response: Response, text: string): string {
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  return text;
}
