import { DomainError } from '../../shared/domain/domain-error';

export const WEBHOOK_URL_MAX_LENGTH = 2048;

/** What kinds of receiver addresses are allowed; both off by default. */
export type WebhookUrlPolicy = { allowHttp: boolean; allowPrivateNetworks: boolean };

export class WebhookUrlInvalidError extends DomainError {
  readonly code = 'WEBHOOK_URL_INVALID';
  readonly kind = 'invalid';

  constructor(reason: string) {
    super(`The webhook URL is not allowed: ${reason}.`, { field: 'url', reason });
  }
}

/**
 * The rules a receiver's URL must meet before any address is looked at: absolute, `https:`
 * (`http:` only where allowed), no user name or password (they would be sent to a third party
 * in every request and logged), no fragment. Returns the URL in its normalised form.
 * Addresses (literal or resolved) are checked separately, at creation and on every connection.
 */
export function checkWebhookUrl(value: string, policy: WebhookUrlPolicy): URL {
  if (value.length > WEBHOOK_URL_MAX_LENGTH) {
    throw new WebhookUrlInvalidError(`longer than ${WEBHOOK_URL_MAX_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WebhookUrlInvalidError('not an absolute URL');
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    throw new WebhookUrlInvalidError(
      url.protocol === 'http:' ? 'only https: receivers are allowed' : 'not an https: URL',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new WebhookUrlInvalidError('it carries a user name or password');
  }
  if (url.hash !== '') throw new WebhookUrlInvalidError('it has a fragment');
  if (url.hostname === '') throw new WebhookUrlInvalidError('it has no host');
  return url;
}
