import { Injectable } from '@nestjs/common';
import { ReceiverAddressCheck } from '../../application/webhooks/webhook-transport';
import { checkHostname, forbiddenAddress, literalAddress } from './address-guard';

/**
 * Refuses, at creation, a receiver whose literal address or resolved addresses are not public.
 * (A name that resolves elsewhere later is refused again when connecting: see `guardedLookup`.)
 */
@Injectable()
export class DnsReceiverAddressCheck extends ReceiverAddressCheck {
  async reasonToRefuse(url: URL): Promise<string | undefined> {
    const literal = literalAddress(url);
    if (literal) return forbiddenAddress(literal);
    return checkHostname(url.hostname);
  }
}
