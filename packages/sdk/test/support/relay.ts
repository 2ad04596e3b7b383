import net from "node:net";
import { Handoff } from "./handoff.js";
import { TempUnixServer } from "./tempUnixServer.js";

/**
 * One client's connection through a {@link Relay}: what the client writes goes to the target at
 * once; what the target sends back can be held, which makes the client look like one that stopped
 * reading, so the host's write of a large reply cannot finish until the test calls `release()`.
 */
export class RelayedConnection {
  private holding = false;
  private linesToTarget = 0;
  private readonly lineWaiters: { count: number; resolve: () => void }[] = [];
  private firstReplyResolve!: () => void;

  /** Socket errors on the target's side, e.g. a reset: the relay cannot pass one on as such, so tests check this. */
  readonly targetErrors: string[] = [];

  /** Resolves when the first bytes from the target arrive (they are passed on; later ones are held if `holdAfterFirstBytes` was called). */
  readonly firstBytesFromTarget: Promise<void>;

  constructor(
    readonly client: net.Socket,
    readonly target: net.Socket,
  ) {
    this.firstBytesFromTarget = new Promise((resolve) => {
      this.firstReplyResolve = resolve;
    });
    client.on("data", (chunk: Buffer) => {
      let lines = 0;
      for (const byte of chunk) {
        if (byte === 0x0a) lines += 1;
      }
      target.write(chunk, () => {
        // Called once the bytes are in the kernel: for a Unix socket, in the target's receive queue.
        this.linesToTarget += lines;
        this.wakeLineWaiters();
      });
    });
    target.on("data", (chunk: Buffer) => {
      client.write(chunk);
      this.firstReplyResolve();
      if (this.holding) {
        // Node stops reading the socket once its buffer is full, so the target's writes stall in the kernel.
        target.pause();
      }
    });
    // A clean end is passed on as an end, after every byte before it; only a failure tears the other side down.
    client.on("end", () => target.end());
    target.on("end", () => client.end());
    client.on("error", () => target.destroy());
    target.on("error", (error: NodeJS.ErrnoException) => {
      this.targetErrors.push(error.code ?? error.message);
      client.destroy();
    });
  }

  /** From the first bytes the target sends on, read nothing more from it until `release()`. */
  holdAfterFirstBytes(): void {
    this.holding = true;
  }

  /** Passes on what the target sent meanwhile and everything after. */
  release(): void {
    this.holding = false;
    this.target.resume();
  }

  /** Bytes taken from the target's socket so far, held ones included. */
  get bytesFromTarget(): number {
    return this.target.bytesRead;
  }

  /** Resolves once `count` request lines from the client have been handed to the target's socket. */
  linesWritten(count: number): Promise<void> {
    return new Promise((resolve) => {
      this.lineWaiters.push({ count, resolve });
      this.wakeLineWaiters();
    });
  }

  private wakeLineWaiters(): void {
    for (let i = this.lineWaiters.length - 1; i >= 0; i--) {
      const waiter = this.lineWaiters[i]!;
      if (this.linesToTarget >= waiter.count) {
        this.lineWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }
}

/** A Unix socket in a fresh temp dir that relays each client to `target`, one connection of its own per client. */
export class Relay {
  private readonly connections = new Handoff<RelayedConnection>();

  private constructor(
    private readonly listener: TempUnixServer,
    target: string,
  ) {
    listener.server.on("connection", (client) => {
      const relayed = new RelayedConnection(client, net.createConnection({ path: target }));
      listener.track(relayed.client);
      listener.track(relayed.target);
      this.connections.put(relayed);
    });
  }

  get socketPath(): string {
    return this.listener.socketPath;
  }

  static async start(target: string): Promise<Relay> {
    return new Relay(await TempUnixServer.listen("ocrelay-", "relay.sock"), target);
  }

  nextConnection(): Promise<RelayedConnection> {
    return this.connections.take();
  }

  stop(): Promise<void> {
    return this.listener.stop();
  }
}
