import { mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/** A Unix socket server in a fresh temp dir; `stop()` closes it, destroys every socket it was told of, and removes the dir. */
export class TempUnixServer {
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    readonly server: net.Server,
    readonly dir: string,
    readonly socketPath: string,
  ) {}

  static async listen(dirPrefix: string, fileName: string): Promise<TempUnixServer> {
    const dir = await mkdtemp(path.join(os.tmpdir(), dirPrefix));
    const socketPath = path.join(dir, fileName);
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => resolve());
    });
    return new TempUnixServer(server, dir, socketPath);
  }

  /** Destroyed by `stop()` if still open then. */
  track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
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
