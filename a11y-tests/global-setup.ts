// Starts the release binary once for the whole suite: on a free port chosen by the system, with a
// fresh database in a temporary folder. The URL reaches the test workers through the
// environment. The returned function stops the server with SIGTERM and fails the run if it
// does not shut down cleanly.
//
// A second server runs behind the edge worker (under workerd, as `scripts/edge` runs it), for the
// routes and journeys that go through the edge: its public address is the edge's, it trusts the
// edge as its proxy, and the two share fresh sign-in link keys.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSmtpSink } from './smtp-sink';

const ROOT = resolve(__dirname, '..');
const BINARY = join(ROOT, 'target', 'release', 'quorum');
const READY = /Quorum is running at (http:\/\/127\.0\.0\.1:\d+)\//;

/** Resolves with the first match of `pattern` in what `child` prints, or fails after 30 s. */
function announced(child: ChildProcess, pattern: RegExp, what: string): Promise<string> {
  return new Promise<string>((done, fail) => {
    let seen = '';
    const timer = setTimeout(() => fail(new Error(`${what} did not start within 30 s:\n${seen}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = seen.match(pattern);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    });
    child.on('exit', (code) => fail(new Error(`${what} exited with ${code} before starting:\n${seen}`)));
  });
}

/** A port nobody is listening on now. */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.on('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/** The server behind the edge, and the edge: returns the edge's URL and how to stop both. */
async function startEdge(smtpPort: number): Promise<{ url: string; stop: () => Promise<void> }> {
  if (!process.env.QUORUM_SKIP_BUILD) execFileSync(join(ROOT, 'scripts', 'edge'), ['build'], { cwd: ROOT, stdio: 'inherit' });
  const dataDir = mkdtempSync(join(tmpdir(), 'quorum-browser-suite-edge-'));
  const edgePort = await freePort();
  const keys = `1:${randomBytes(32).toString('base64url')}`;
  const origin = spawn(BINARY, ['--addr', '127.0.0.1:0', '--data-dir', dataDir, '--log', 'warn,quorum=info', '--rate-limit-ip-factor', '1000'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      QUORUM_SMTP_URL: `smtp://127.0.0.1:${smtpPort}?tls=none`,
      QUORUM_PUBLIC_URL: `http://127.0.0.1:${edgePort}`,
      QUORUM_TRUSTED_PROXY: '127.0.0.1',
      QUORUM_LINK_KEYS: keys,
    },
  });
  const originUrl = await announced(origin, READY, 'Quorum behind the edge');
  const edge = spawn('node', ['edge/serve.mjs'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, EDGE_PORT: String(edgePort), ORIGIN: originUrl, LINK_KEYS: keys, SIGN_IN_LIMIT: '1000' },
  });
  const url = await announced(edge, /edge: ready at (http:\/\/127\.0\.0\.1:\d+)/, 'The edge worker');
  const stopped = (child: ChildProcess) => new Promise<void>((done) => (child.exitCode !== null ? done() : child.on('exit', () => done())));
  return {
    url,
    stop: async () => {
      edge.kill('SIGTERM');
      await stopped(edge);
      origin.kill('SIGTERM');
      await stopped(origin);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

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
  const url = await announced(server, READY, 'Quorum');
  process.env.QUORUM_TEST_URL = url;
  process.env.QUORUM_TEST_MAIL_DIR = mailDir;
  process.env.QUORUM_TEST_DATA_DIR = dataDir;
  const edge = await startEdge(sink.port);
  process.env.QUORUM_EDGE_URL = edge.url;
  let log = '';
  server.stdout.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    log += text;
    // A state that fails with "Sorry, there is a problem" is explained here, in the run's output.
    for (const line of text.split('\n')) if (/\bERROR\b/.test(line)) process.stderr.write(`quorum: ${line}\n`);
  });

  return async () => {
    await edge.stop();
    const exited = new Promise<number | null>((done) => server.on('exit', (code) => done(code)));
    server.kill('SIGTERM');
    const code = await exited;
    sink.server.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (code !== 0) throw new Error(`Quorum did not stop cleanly on SIGTERM (exit ${code})`);
    if (!log.includes('Quorum has stopped')) throw new Error('Quorum did not log its clean stop');
  };
}
