import { decodes } from './well-formed-url';

describe('well-formed request targets', () => {
  it.each([
    '/todos',
    '/todos/3f1c1a9e-3b0e-4c5c-9a57-0d5c3f1f9b2e',
    '/todos/caf%C3%A9',
    '/todos?limit=5&completed=true',
    '/todos?cursor=a%2Bb%3D',
    '/todos?title=a+b',
    '/todos?',
    '/todos?=&&=',
  ])('%s decodes', (target) => {
    expect(decodes(target)).toBe(true);
  });

  it.each([
    '/todos/%ff',
    '/todos/%FF/events',
    '/todos/%zz',
    '/todos/%',
    '/todos/%E0%A4%A',
    '/todos/%C0%AF', // overlong encoding of "/"
    '/todos/%ED%A0%80', // a UTF-16 surrogate encoded as UTF-8
    '/todos?cursor=%ff',
    '/todos?%=1',
    '/todos?a=%zz',
    '/todos?limit=1&x=%E0%A4%A',
  ])('%s does not', (target) => {
    expect(decodes(target)).toBe(false);
  });
});
