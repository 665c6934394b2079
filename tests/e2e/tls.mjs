// Throwaway certificates for the wss specs, made with openssl at test time (never committed),
// and what Chromium needs to trust one of them.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * A CA named `caName` and a server certificate it signed for localhost and 127.0.0.1, in a new
 * temp dir readable by the broker (Mosquitto drops root for its own user). Returns
 * { dir, ca, cert, key, spki, remove() }: spki is the base64 SHA-256 of the server key's
 * SubjectPublicKeyInfo, the form Chromium's --ignore-certificate-errors-spki-list takes.
 */
export function makeServerCert(caName) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deck-tls-'));
  fs.chmodSync(dir, 0o755);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', `/CN=${caName}`], dir);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost'], dir);
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf'],
    dir,
  );
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o644);
  const cert = path.join(dir, 'server.crt');
  const der = new X509Certificate(fs.readFileSync(cert)).publicKey.export({ type: 'spki', format: 'der' });
  return {
    dir,
    ca: path.join(dir, 'ca.crt'),
    cert,
    key: path.join(dir, 'server.key'),
    spki: createHash('sha256').update(der).digest('base64'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The Chromium flag that makes it accept certificates carrying one of these keys. */
export function trustFlag(...certs) {
  return `--ignore-certificate-errors-spki-list=${certs.map((c) => c.spki).join(',')}`;
}

/** Mosquitto config lines for a websockets listener over TLS with this certificate. */
export function wssLines(c) {
  return [`certfile ${c.cert}`, `keyfile ${c.key}`];
}
