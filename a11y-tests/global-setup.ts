// Starts the release binary once for the whole suite: on a free port chosen by the system, with a
// fresh database in a temporary folder. The URL reaches the test workers through the
// environment. The returned function stops the server with SIGTERM and fails the run if it
// does not shut down cleanly.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSmtpSink } from './smtp-sink';

const ROOT = resolve(__dirname, '..');
const BINARY = join(ROOT, 'target', 'release', 'quorum');

export default async function globalSetup() {
  if (!process.env.QUORUM_SKIP_BUILD) {
    execFileSync('cargo', ['build', '--release', '--quiet', '--bin', 'quorum'], { cwd: ROOT, stdio: 'inherit' });
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'quorum-browser-suite-'));
  // Mail goes over SMTP to a sink that files each message in this folder.
  const mailDir = join(dataDir, 'received-mail');
  const sink = await startSmtpSink(mailDir);
  // Many sign-ins come from one address in the suite: widen the per-IP limits only.
  const server = spawn(BINARY, ['--addr', '127.0.0.1:0', '--data-dir', dataDir, '--log', 'warn,quorum=info', '--rate-limit-ip-factor', '1000'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, QUORUM_SMTP_URL: `smtp://127.0.0.1:${sink.port}?tls=none` },
  });
  const url = await new Promise<string>((done, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`Quorum did not start within 30 s:\n${seen}`)), 30_000);
    server.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(/Quorum is running at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
    server.on('exit', (code) => fail(new Error(`Quorum exited with ${code} before starting:\n${seen}`)));
  });
  process.env.QUORUM_TEST_URL = url;
  process.env.QUORUM_TEST_MAIL_DIR = mailDir;
  let log = '';
  server.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));

  return async () => {
    const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
    server.kill('SIGTERM');
    const code = await exited;
    sink.server.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`Quorum did not stop cleanly on SIGTERM (exit ${code})`);
    if (!log.includes('Quorum has stopped')) throw new Error('Quorum did not log its clean stop');
  };
}
