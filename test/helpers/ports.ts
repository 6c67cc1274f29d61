import { createServer } from 'node:net';

/**
 * A TCP port free on 127.0.0.1 at this moment (the system's pick), for a program told to
 * listen on it. Random picks from 30000–50000 could land on a port the system had given to
 * some connection (Linux hands out 32768–60999), and the program's inspector then could not
 * listen.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
