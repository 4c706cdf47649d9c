import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { resolveConnection } from '../../src/config/resolve.js';
import { closeQuietly, connect } from '../../src/db/connect.js';
import { startPostgres, type PostgresSandbox } from '../helpers/postgres.js';
import { giveTo, unprivilegedUser } from '../../src/sandbox/runas.js';
import { runCli } from '../helpers/cli.js';

let plain: PostgresSandbox;
let tls: PostgresSandbox;
const certDir = mkdtempSync(join(tmpdir(), 'pgtop-tls-'));
const ROLES = ['tls_only', 'plain_only'];

/** A self-signed certificate for 127.0.0.1, readable only by the user the servers run as. */
function makeCertificate(): { cert: string; key: string } {
  const cert = join(certDir, 'server.crt');
  const key = join(certDir, 'server.key');
  execFileSync('openssl', ['req', '-new', '-x509', '-days', '2', '-nodes', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  chmodSync(certDir, 0o755);
  chmodSync(cert, 0o644);
  chmodSync(key, 0o600);
  giveTo(unprivilegedUser(), cert, key);
  return { cert, key };
}

/** Roles that pg_hba.conf lets in only over TLS, or only without it. */
async function addRoles(sandbox: PostgresSandbox): Promise<void> {
  for (const role of ROLES) await sandbox.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw'`);
  const hba = join(sandbox.dataDir, 'pg_hba.conf');
  const rules = 'hostnossl all tls_only 127.0.0.1/32 reject\nhostssl all plain_only 127.0.0.1/32 reject\n';
  writeFileSync(hba, rules + readFileSync(hba, 'utf8'));
  await sandbox.query('SELECT pg_reload_conf()');
}

before(async () => {
  const { cert, key } = makeCertificate();
  [plain, tls] = await Promise.all([startPostgres(), startPostgres({ settings: { ssl: 'on', ssl_cert_file: cert, ssl_key_file: key } })]);
  await Promise.all([addRoles(plain), addRoles(tls)]);
});

after(async () => {
  await Promise.all([plain?.stop(), tls?.stop()]);
  rmSync(certDir, { recursive: true, force: true });
});

/** Connects as pgtop does and reports whether the session uses TLS, from the server's side. */
async function usesTls(sandbox: PostgresSandbox, conninfo: string): Promise<boolean> {
  const { settings } = resolveConnection({ flags: {}, target: `host=127.0.0.1 port=${sandbox.port} dbname=postgres ${conninfo}`, env: {}, homeDir: certDir });
  let client: pg.Client | undefined;
  try {
    client = await connect(settings, { applicationName: 'pgtop-ssl-test' });
    const result = await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
    return result.rows[0]?.ssl === true;
  } finally {
    await closeQuietly(client);
  }
}

const superuser = (sandbox: PostgresSandbox): string => `user=${sandbox.superuser} password=${sandbox.password}`;

describe('sslmode=prefer: TLS when the server offers it, else plain', () => {
  test('a server without TLS: a plain connection', async () => {
    assert.equal(await usesTls(plain, `${superuser(plain)} sslmode=prefer`), false);
  });

  test('a server with TLS: a TLS connection', async () => {
    assert.equal(await usesTls(tls, `${superuser(tls)} sslmode=prefer`), true);
  });

  test('a server with TLS whose pg_hba.conf refuses this user over TLS: plain after the refusal', async () => {
    assert.equal(await usesTls(tls, 'user=plain_only password=pw sslmode=prefer'), false);
  });

  test('the default sslmode is prefer (pgtop snapshot, both servers)', async () => {
    for (const sandbox of [plain, tls]) {
      const result = await runCli(['snapshot', '--json', sandbox.uri()]);
      assert.equal(result.code, 0, result.stderr);
    }
  });
});

describe('sslmode=allow: plain first, TLS when the server wants it', () => {
  test('a server with TLS that accepts plain: plain', async () => {
    assert.equal(await usesTls(tls, `${superuser(tls)} sslmode=allow`), false);
  });

  test('a user pg_hba.conf lets in only over TLS: TLS after the refusal', async () => {
    assert.equal(await usesTls(tls, 'user=tls_only password=pw sslmode=allow'), true);
  });

  test('the same user on a server without TLS: the refusal stands', async () => {
    await assert.rejects(usesTls(plain, 'user=tls_only password=pw sslmode=allow'), /pg_hba\.conf|does not accept TLS/);
  });
});

describe('the other modes are unchanged', () => {
  test('disable never uses TLS; require always does', async () => {
    assert.equal(await usesTls(tls, `${superuser(tls)} sslmode=disable`), false);
    assert.equal(await usesTls(tls, `${superuser(tls)} sslmode=require`), true);
    await assert.rejects(usesTls(plain, `${superuser(plain)} sslmode=require`), /does not accept TLS connections/);
  });

  test('verify-full with the self-signed certificate as root: TLS, verified', async () => {
    assert.equal(await usesTls(tls, `${superuser(tls)} sslmode=verify-full sslrootcert=${join(certDir, 'server.crt')}`), true);
  });
});
