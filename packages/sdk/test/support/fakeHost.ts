import net from "node:net";
import { LineSplitter } from "../../src/lineSplitter.js";
import { Handoff } from "./handoff.js";
import { TempUnixServer } from "./tempUnixServer.js";

/** The server side of one connection to a {@link FakeHost}: read request lines, write whatever a test needs. */
export class Peer {
  private readonly lines = new Handoff<string>();

  constructor(readonly socket: net.Socket) {
    const splitter = new LineSplitter();
    socket.on("data", (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) {
        this.lines.put(line);
      }
    });
  }

  nextLine(): Promise<string> {
    return this.lines.take();
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
  private readonly peers = new Handoff<Peer>();

  private constructor(private readonly listener: TempUnixServer) {
    listener.server.on("connection", (socket) => {
      listener.track(socket);
      this.peers.put(new Peer(socket));
    });
  }

  get server(): net.Server {
    return this.listener.server;
  }

  get dir(): string {
    return this.listener.dir;
  }

  get socketPath(): string {
    return this.listener.socketPath;
  }

  static async start(): Promise<FakeHost> {
    return new FakeHost(await TempUnixServer.listen("ocfake-", "fake.sock"));
  }

  nextPeer(): Promise<Peer> {
    return this.peers.take();
  }

  stop(): Promise<void> {
    return this.listener.stop();
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

/** A pushed `runtime.message` line as the host writes it: the payload's fields in the order of docs/protocol.md. */
export function deliveryLine(fields: {
  subscription: string;
  topic: string;
  delivery: number;
  redelivered?: boolean;
  body: unknown;
  key?: string;
  dropped?: number;
  stream?: string;
  seq?: number;
  runId?: string | null;
}): string {
  const payload: Record<string, unknown> = {
    subscription: fields.subscription,
    topic: fields.topic,
    delivery: fields.delivery,
    redelivered: fields.redelivered ?? false,
    body: fields.body,
  };
  if (fields.key !== undefined) payload["key"] = fields.key;
  if (fields.dropped !== undefined) payload["dropped"] = fields.dropped;
  if (fields.stream !== undefined) payload["stream"] = fields.stream;
  if (fields.seq !== undefined) payload["seq"] = fields.seq;
  return responseLine({ messageType: "runtime.message", runId: fields.runId ?? null, payload });
}

/** The message_type and parsed payload of a request line. */
export function requestOf(line: string): { messageType: string; payload: unknown } {
  const request = JSON.parse(line) as { message_type: string; payload_json: string };
  return { messageType: request.message_type, payload: JSON.parse(request.payload_json) as unknown };
}
