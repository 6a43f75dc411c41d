// A loopback TCP balancer in front of several relays, as a load balancer without sticky routing would be: each new
// connection goes to the first backend (in this balancer's order) that accepts it, so a client keeps its "home"
// relay while it lives and lands on another one when it dies. Nothing of the relay protocol is looked at.
import { createServer, type Server, Socket } from 'node:net';

export class LoopbackBalancer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;
  /** Connections made per backend port (to see where clients landed). */
  readonly landed = new Map<number, number>();

  /** `backends`: ports in the order this balancer prefers them. */
  constructor(public backends: number[]) {
    this.server = createServer((client) => this.accept(client));
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    this.sockets.add(client);
    client.on('close', () => this.sockets.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    this.connect(client, 0);
  }

  private connect(client: Socket, index: number): void {
    const port = this.backends[index];
    if (port === undefined || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    const refused = () => {
      upstream.destroy();
      this.connect(client, index + 1);
    };
    upstream.once('error', refused);
    upstream.connect(port, '127.0.0.1', () => {
      upstream.off('error', refused);
      this.landed.set(port, (this.landed.get(port) ?? 0) + 1);
      this.sockets.add(upstream);
      upstream.on('close', () => {
        this.sockets.delete(upstream);
        client.destroy();
      });
      upstream.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.setNoDelay(true);
      client.setNoDelay(true);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  }
}
