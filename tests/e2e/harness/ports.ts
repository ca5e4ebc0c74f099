/** Loopback ports for servers the tests start besides Verdaccio (a git daemon). */
import * as net from 'net';

/** A port that is free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once(`error`, reject);
    server.listen(0, `127.0.0.1`, () => {
      const {port} = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Waits until something listens on 127.0.0.1:`port`; `what` names it in the error. */
export async function waitForPort(port: number, what: string, timeoutMs = 10_000) {
  const start = Date.now();
  for (;;) {
    const open = await new Promise<boolean>(resolve => {
      const socket = net.connect(port, `127.0.0.1`, () => {
        socket.end();
        resolve(true);
      });
      socket.once(`error`, () => resolve(false));
    });
    if (open)
      return;
    if (Date.now() - start > timeoutMs)
      throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}
