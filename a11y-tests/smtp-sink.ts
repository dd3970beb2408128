// A small SMTP server for the browser suite, so that Quorum delivers its mail over real SMTP as
// it does in production: it speaks what Quorum's mail client says (greeting, EHLO/HELO, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT, with no TLS on 127.0.0.1) and writes each message to a folder
// as a .eml file, where the tests read it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';

export async function startSmtpSink(folder: string): Promise<{ server: Server; port: number }> {
  mkdirSync(folder, { recursive: true });
  let received = 0;
  const server = createServer((socket) => {
    let buffer = '';
    let inData = false;
    let message: string[] = [];
    socket.write('220 quorum-test-sink ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            received += 1;
            const name = `${Date.now()}-${String(received).padStart(6, '0')}.eml`;
            writeFileSync(join(folder, name), message.map((l) => (l.startsWith('..') ? l.slice(1) : l)).join('\r\n'));
            message = [];
            socket.write('250 OK: queued\r\n');
          } else {
            message.push(line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-quorum-test-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 End data with <CR><LF>.<CR><LF>\r\n');
        } else if (verb === 'QUIT') {
          socket.end('221 Bye\r\n');
        } else if (['HELO', 'MAIL', 'RCPT', 'RSET', 'NOOP'].includes(verb)) socket.write('250 OK\r\n');
        else socket.write('502 Command not implemented\r\n');
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, port: (server.address() as AddressInfo).port };
}
