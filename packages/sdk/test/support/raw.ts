import net from "node:net";
import { decodeResponseLine } from "../../src/envelope.js";
import type { IpcResponse } from "../../src/generated/types.js";
import { LineSplitter } from "../../src/lineSplitter.js";

/**
 * Writes raw bytes to a socket, half-closes, and collects every reply line until the host
 * closes: for requests the SDK would never build (bad JSON, wrong fields).
 */
export function exchangeRaw(socketPath: string, data: string | Buffer, timeoutMs = 10_000): Promise<IpcResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection({ path: socketPath });
    const splitter = new LineSplitter();
    const replies: IpcResponse[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close from ${socketPath} within ${timeoutMs} ms (${replies.length} replies so far)`));
    }, timeoutMs);
    socket.on("connect", () => socket.end(data));
    socket.on("data", (chunk: Buffer) => {
      for (const line of splitter.push(chunk)) {
        replies.push(decodeResponseLine(line));
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(replies);
    });
  });
}
