// `pa license …` (vendor: keygen, issue, inspect, activate-offline, deactivate-offline; user: activate,
// request-activation, install-certificate, status, remove) and `pa audit tail`. User commands call the licensing
// RPC methods of an engine opened in this process; vendor commands never open it.
import { existsSync, readFileSync } from 'node:fs';
import { Edition, ErrorCode, encodeLicense, Feature, inspectLicense, type LicenseStatus, PaError } from '@pa/shared';
import type { Command } from 'commander';
import { type LocalEngine, withLocalEngine } from '../cli/local-engine.js';
import type { ActivationLedger } from './activation-ledger.js';

/** A file's text when the argument names a file, else the argument itself (a pasted key). */
function textOf(argument: string): string {
  if (argument === '-') return readFileSync(0, 'utf8').trim();
  return existsSync(argument) ? readFileSync(argument, 'utf8').trim() : argument.trim();
}

function withEngine<T>(use: (local: LocalEngine) => Promise<T>): Promise<T> {
  return withLocalEngine({ actor: 'cli' }, use);
}

const day = (time: number) => new Date(time).toISOString().slice(0, 10);

export function formatStatus(status: LicenseStatus): string {
  const lines = [`edition:       ${status.edition}${status.readOnly ? ' (read-only, grace period)' : ''}`];
  lines.push(`state:         ${status.state}`);
  if (status.license) {
    lines.push(`licensee:      ${status.license.licensee} <${status.license.email}>`);
    lines.push(`license:       ${status.license.id} (${status.license.edition})`);
    lines.push(`expires:       ${day(status.license.expiresAt)} (${status.daysLeft} days left)`);
    lines.push(
      `device:        ${status.device.bound ? (status.device.activated ? 'bound, activated on this device' : 'bound, NOT activated on this device') : 'not device-bound'}`,
    );
  }
  lines.push(`features:      ${status.features.join(', ')}`);
  lines.push(`models:        ${status.models.join(', ')}`);
  for (const quota of status.quotas) {
    const limit = quota.limit === null ? 'unlimited' : `${quota.remaining} of ${quota.limit} left`;
    lines.push(`${`${quota.metric}:`.padEnd(15)}${quota.used} used today (${limit})`);
  }
  lines.push(`keychain:      ${status.keychain}`);
  if (status.warning) lines.push(`warning:       ${status.warning}`);
  return `${lines.join('\n')}\n`;
}

function parseFeatures(list: string | undefined): Feature[] {
  if (!list) return [];
  return list.split(',').map((name) => {
    const parsed = Feature.safeParse(name.trim());
    if (!parsed.success) {
      throw new PaError(ErrorCode.BAD_REQUEST, `Unknown feature "${name}"; use one of ${Feature.options.join(', ')}.`);
    }
    return parsed.data;
  });
}

/** Opens the vendor's activation ledger: --ledger, else the file beside the private key. */
async function withLedger<T>(
  options: { ledger?: string; key?: string },
  use: (ledger: ActivationLedger) => T,
): Promise<T> {
  const { defaultLedgerFile, openActivationLedger } = await import('./activation-ledger.js');
  const file = options.ledger ?? (options.key ? defaultLedgerFile(options.key) : undefined);
  if (!file) throw new PaError(ErrorCode.BAD_REQUEST, 'Name the activation ledger with --ledger FILE (or --key PRIV).');
  const ledger = openActivationLedger(file);
  try {
    return use(ledger);
  } finally {
    ledger.close();
  }
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new PaError(ErrorCode.BAD_REQUEST, `${flag} must be a whole number ≥ 1.`);
  return n;
}

export function registerLicenseCommands(program: Command): void {
  const license = program.command('license').description('licenses: issue (vendor), activate, status');

  license
    .command('keygen')
    .description('vendor: create an Ed25519 key pair (license-private-key, license-public-key)')
    .requiredOption('--out <dir>', 'folder for the two key files')
    .action(async (options: { out: string }) => {
      const { writeKeyPair } = await import('./vendor.js');
      const written = writeKeyPair(options.out);
      process.stdout.write(
        `public key:  ${written.publicKeyFile}\nprivate key: ${written.privateKeyFile} (0600; keep it offline, never commit it)\n`,
      );
    });

  license
    .command('issue')
    .description('vendor: sign a license and print it')
    .requiredOption('--key <file>', 'the vendor private key file')
    .requiredOption('--edition <edition>', Edition.options.join('|'))
    .requiredOption('--to <name>', 'licensee')
    .requiredOption('--email <email>', 'licensee email')
    .requiredOption('--days <n>', 'validity in days')
    .option('--max-devices <n>', 'bind to at most N devices (needs offline activation)')
    .option('--features <list>', `extra features, comma-separated (${Feature.options.join(', ')})`)
    .option('--ledger <file>', 'activation ledger to record the license in (default: beside the private key)')
    .action(
      async (options: {
        key: string;
        edition: string;
        to: string;
        email: string;
        days: string;
        maxDevices?: string;
        features?: string;
        ledger?: string;
      }) => {
        const edition = Edition.safeParse(options.edition);
        if (!edition.success) {
          throw new PaError(
            ErrorCode.BAD_REQUEST,
            `Unknown edition "${options.edition}"; use ${Edition.options.join(', ')}.`,
          );
        }
        const { buildLicensePayload, readSecretKey } = await import('./vendor.js');
        const secretKey = readSecretKey(options.key);
        const payload = buildLicensePayload({
          edition: edition.data,
          licensee: options.to,
          email: options.email,
          days: positiveInt(options.days, '--days'),
          maxDevices: options.maxDevices ? positiveInt(options.maxDevices, '--max-devices') : null,
          features: parseFeatures(options.features),
          now: Date.now(),
        });
        // recorded before printing, so every license in circulation has its device limit in the ledger
        await withLedger(options, (ledger) => ledger.register(payload));
        process.stdout.write(`${encodeLicense(payload, secretKey)}\n`);
      },
    );

  license
    .command('inspect <file>')
    .description('decode a license without trusting it (no signature check)')
    .option('--json', 'print JSON')
    .action((file: string, options: { json?: boolean }) => {
      const result = inspectLicense(textOf(file));
      if (!result.ok) throw new PaError(ErrorCode.BAD_REQUEST, `Not a readable license (${result.reason}).`);
      const out = { payload: result.payload, schemaValid: result.valid, signature: 'not checked' };
      process.stdout.write(`${JSON.stringify(out, null, options.json ? 0 : 2)}\n`);
    });

  license
    .command('activate-offline <request>')
    .description('vendor: sign a device certificate for an activation request (file or text), within maxDevices')
    .requiredOption('--key <file>', 'the vendor private key file')
    .option('--ledger <file>', 'activation ledger (default: beside the private key)')
    .option('--license <fileOrKey>', 'the license, when it was issued before this ledger existed')
    .action(async (request: string, options: { key: string; ledger?: string; license?: string }) => {
      const { activateOffline, readSecretKey } = await import('./vendor.js');
      const secretKey = readSecretKey(options.key);
      const licenseText = options.license === undefined ? undefined : textOf(options.license);
      const { certificate, seat, payload } = await withLedger(options, (ledger) =>
        activateOffline(textOf(request), secretKey, Date.now(), ledger, licenseText),
      );
      const of = seat.maxDevices === null ? 'unlimited' : `${seat.used} of ${seat.maxDevices}`;
      process.stderr.write(
        `${seat.seat === 'new' ? 'activated' : 'already activated (same seat)'}: device ${payload.fingerprint} on ${payload.licenseId}, seats used ${of}\n`,
      );
      process.stdout.write(`${certificate}\n`);
    });

  license
    .command('deactivate-offline <licenseId> <deviceHash>')
    .description("vendor: free a device's seat in the activation ledger")
    .option('--ledger <file>', 'activation ledger')
    .option('--key <file>', 'the vendor private key file (its folder holds the default ledger)')
    .action(async (licenseId: string, deviceHash: string, options: { ledger?: string; key?: string }) => {
      const freed = await withLedger(options, (ledger) => ledger.release(licenseId, deviceHash));
      if (!freed) {
        throw new PaError(
          ErrorCode.NOT_FOUND,
          `Device ${deviceHash} holds no seat of license ${licenseId}; check the hash in the activation request.`,
        );
      }
      process.stdout.write(`freed the seat of device ${deviceHash} on ${licenseId}\n`);
    });

  license
    .command('activate <fileOrKey>')
    .description('install a license (a file, the key itself, or - for stdin); no network needed')
    .action(async (fileOrKey: string) => {
      const key = textOf(fileOrKey);
      const status = await withEngine((local) => local.call('license.activate', { key }));
      process.stdout.write(formatStatus(status));
    });

  license
    .command('request-activation')
    .description('print the activation request to send to the vendor (device-bound licenses)')
    .action(async () => {
      const { request } = await withEngine((local) => local.call('license.activationRequest'));
      process.stdout.write(`${request}\n`);
    });

  license
    .command('install-certificate <fileOrText>')
    .description('install the device certificate the vendor returned')
    .action(async (fileOrText: string) => {
      const certificate = textOf(fileOrText);
      const status = await withEngine((local) => local.call('license.installCertificate', { certificate }));
      process.stdout.write(formatStatus(status));
    });

  license
    .command('status')
    .description('edition, licensee, expiry, features, quotas used today, device binding')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await withEngine((local) => local.call('license.status'));
      process.stdout.write(options.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    });

  license
    .command('remove')
    .description('remove the installed license (back to the personal edition)')
    .action(async () => {
      const status = await withEngine((local) => local.call('license.remove'));
      process.stdout.write(formatStatus(status));
    });

  program
    .command('audit')
    .description('the audit log')
    .command('tail')
    .description('the latest audit rows (license, quota and entitlement events)')
    .option('-n, --lines <n>', 'how many rows', '20')
    .option('--json', 'print JSON')
    .action(async (options: { lines: string; json?: boolean }) => {
      const limit = positiveInt(options.lines, '--lines');
      // the RPC hands out at most 1000 rows at a time
      const { items: rows } = await withEngine((local) => local.call('audit.tail', { limit: Math.min(limit, 1000) }));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
        return;
      }
      for (const row of rows) {
        process.stdout.write(
          `${new Date(row.at).toISOString()}  ${row.type.padEnd(22)} ${row.actor.padEnd(6)} ${JSON.stringify(row.detail)}\n`,
        );
      }
    });
}
