import { checkWebhookUrl, WebhookUrlInvalidError } from './webhook-url';

const strict = { allowHttp: false, allowPrivateNetworks: false };

describe('checkWebhookUrl', () => {
  it('accepts https URLs and normalises them', () => {
    expect(checkWebhookUrl('https://Example.COM/hook?a=1', strict).toString()).toBe(
      'https://example.com/hook?a=1',
    );
  });

  it.each([
    ['http://example.com/hook', 'only https: receivers are allowed'],
    ['ftp://example.com/hook', 'not an https: URL'],
    ['file:///etc/passwd', 'not an https: URL'],
    ['example.com/hook', 'not an absolute URL'],
    ['https://user:secret@example.com/', 'it carries a user name or password'],
    ['https://example.com/#fragment', 'it has a fragment'],
    [`https://example.com/${'a'.repeat(2048)}`, 'longer than 2048 characters'],
  ])('refuses %s', (url, reason) => {
    expect(() => checkWebhookUrl(url, strict)).toThrow(new WebhookUrlInvalidError(reason));
  });

  it('accepts http only when allowed', () => {
    expect(checkWebhookUrl('http://example.com/', { ...strict, allowHttp: true }).protocol).toBe(
      'http:',
    );
  });
});
