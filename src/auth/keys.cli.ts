import { createHash, randomBytes } from 'node:crypto';
import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { ApiKeyEntry } from '../config';
import { TENANT_PATTERN } from '../database/tenant-scope';
import { isScope, SCOPES } from './scopes';

/**
 * `keys create`: a new random API key, printed once, and the entry for `AUTH_API_KEYS_FILE`,
 * which holds only the key's SHA-256. Needs no database: the file is the key store.
 */
export function registerKeyCommands(program: Command, print: (text: string) => void): void {
  const keys = program.command('keys').description('Create API keys for AUTH_API_KEYS_FILE.');
  keys
    .command('create')
    .description(
      'Print a new API key (shown only now) and the JSON entry to add to AUTH_API_KEYS_FILE.',
    )
    // `--tenant` (the tenant the key acts for) is the program's own option, given explicitly.
    .requiredOption(
      '--scopes <scopes>',
      `space-separated scopes (${SCOPES.join(', ')})`,
      scopesArgument,
    )
    .requiredOption('--name <name>', 'a unique name; events record api-key:<name>', nameArgument)
    .addHelpText('after', '\nName the tenant the key acts for with --tenant <tenant>.')
    .action((options: { scopes: ApiKeyEntry['scopes']; name: string }) => {
      if (program.getOptionValueSource('tenant') !== 'cli') {
        program.error('error: keys create needs --tenant <tenant>, the tenant the key acts for.', {
          code: 'commander.missingMandatoryOptionValue',
          exitCode: 2,
        });
      }
      const key = randomBytes(32).toString('base64url');
      const entry: ApiKeyEntry = {
        name: options.name,
        tenant: program.opts<{ tenant: string }>().tenant,
        scopes: options.scopes,
        sha256: createHash('sha256').update(key, 'utf8').digest('hex'),
      };
      const json = program.opts<{ json?: boolean }>().json === true;
      print(
        json
          ? `${JSON.stringify({ key, entry })}\n`
          : `API key (shown only now; send it as X-API-Key): ${key}\n` +
              `Add this entry to the JSON array in AUTH_API_KEYS_FILE:\n${JSON.stringify(entry)}\n`,
      );
    });
}

export function tenantArgument(value: string): string {
  if (!TENANT_PATTERN.test(value)) {
    throw new InvalidArgumentError('a tenant is 1 to 63 letters, digits, ., _ or -.');
  }
  return value;
}

function scopesArgument(value: string): ApiKeyEntry['scopes'] {
  const scopes = value.split(/\s+/).filter((scope) => scope !== '');
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(`scopes are some of: ${SCOPES.join(', ')}.`);
  }
  return [...new Set(scopes.filter(isScope))];
}

function nameArgument(value: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(value)) {
    throw new InvalidArgumentError('a name is 1 to 64 letters, digits, ., _ or -.');
  }
  return value;
}
