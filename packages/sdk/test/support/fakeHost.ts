import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { LineSplitter } from "../../src/lineSplitter.js";

/** The server side of one connection to a {@link FakeHost}: read request lines, write whatever a test needs. */
export class Peer {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | undefined;

  constructor(readonly socket: net.Socket) {
    const splitter = new LineSplitter();
    socket.on("data", (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) {
        if (this.waiting !== undefined) {
          const waiter = this.waiting;
          this.waiting = undefined;
          waiter(line);
        } else {
          this.lines.push(line);
        }
      }
    });
  }

  nextLine(): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) {
      return Promise.resolve(line);
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async takeLines(count: number): Promise<string[]> {
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      lines.push(await this.nextLine());
    }
    return lines;
  }

  write(data: string | Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())));
  }
}

/** A Unix socket server in a temp dir that hands each connection to the test, to script replies the real host never sends. */
export class FakeHost {
  private readonly peers: Peer[] = [];
  private readonly sockets = new Set<net.Socket>();
  private waiting: ((peer: Peer) => void) | undefined;

  private constructor(
    readonly server: net.Server,
    readonly dir: string,
    readonly socketPath: string,
  ) {
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      const peer = new Peer(socket);
      if (this.waiting !== undefined) {
        const waiter = this.waiting;
        this.waiting = undefined;
        waiter(peer);
      } else {
        this.peers.push(peer);
      }
    });
  }

  static async start(): Promise<FakeHost> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "ocfake-"));
    const socketPath = path.join(dir, "fake.sock");
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => resolve());
    });
    return new FakeHost(server, dir, socketPath);
  }

  nextPeer(): Promise<Peer> {
    const peer = this.peers.shift();
    if (peer !== undefined) {
      return Promise.resolve(peer);
    }
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) {
        socket.destroy();
      }
    });
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** A response line as the host writes it. */
export function responseLine(fields: {
  messageType: string;
  runId?: string | null;
  payload?: unknown;
  error?: string;
  errorCode?: string;
}): string {
  const ok = fields.errorCode === undefined;
  return `${JSON.stringify({
    schema_version: "opsclaw.ipc.v1alpha1",
    message_type: ok ? fields.messageType : "error",
    run_id: fields.runId ?? null,
    payload_json: ok ? JSON.stringify(fields.payload ?? {}) : "{}",
    ok,
    error: ok ? null : (fields.error ?? "failed"),
    error_code: fields.errorCode ?? null,
  })}\n`;
}

/** The run_id of a request line. */
export function runIdOf(line: string): string | null {
  return (JSON.parse(line) as { run_id?: string }).run_id ?? null;
}
