import { createServer } from "node:net";

/**
 * A loopback port that was free a moment ago: bind port 0, read what the kernel chose, close.
 * Another process may take it before the caller binds it; prefer binding port 0 yourself and reading the
 * port back where the peer allows it, and use this only for things that need a port up front (an Envoy
 * bootstrap pointing at a server that starts later, or a port known to be closed).
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0, exclusive: true }, resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") {
    throw new Error(`freePort: expected a TCP address, got ${JSON.stringify(address)} (host ${host})`);
  }
  return address.port;
}
