import net from "node:net";
import { decodeResponseLine, encodeRequestLine } from "./envelope.js";
import { IpcConnectionError } from "./errors.js";
import type { IpcRequest, IpcResponse } from "./generated/types.js";
import { LineSplitter } from "./lineSplitter.js";

/**
 * Sends one request on a connection of its own and resolves with the first response line,
 * error envelopes included (check `ok`). Rejects with an {@link IpcConnectionError} on timeout,
 * a socket error, or the host closing before a full line arrived.
 */
export function sendIpcRequest(socketPath: string, envelope: IpcRequest, timeoutMs = 5000): Promise<IpcResponse> {
  return new Promise<IpcResponse>((resolve, reject) => {
    const socket = net.createConnection({ path: socketPath });
    const splitter = new LineSplitter();
    let settled = false;

    const finish = (outcome: () => void): void => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      outcome();
    };
    const fail = (error: IpcConnectionError): void => finish(() => reject(error));

    const timer = setTimeout(
      () => fail(new IpcConnectionError("timeout", `no reply to ${envelope.message_type} on ${socketPath} within ${timeoutMs} ms`)),
      timeoutMs,
    );

    socket.on("connect", () => {
      socket.write(encodeRequestLine(envelope));
    });
    socket.on("data", (chunk: Buffer) => {
      let lines: string[];
      try {
        lines = splitter.push(chunk);
      } catch (error) {
        fail(new IpcConnectionError("protocol", `bad reply on ${socketPath}: ${(error as Error).message}`, { cause: error }));
        return;
      }
      const [line] = lines;
      if (line === undefined) {
        return;
      }
      try {
        const response = decodeResponseLine(line);
        finish(() => resolve(response));
      } catch (error) {
        fail(new IpcConnectionError("protocol", `bad reply on ${socketPath}: ${(error as Error).message}`, { cause: error }));
      }
    });
    socket.on("error", (error) => {
      fail(new IpcConnectionError("socket", `cannot talk to ${socketPath}: ${error.message}`, { cause: error }));
    });
    socket.on("close", () => {
      fail(new IpcConnectionError("closed", `${socketPath} closed the connection before a full reply line`));
    });
  });
}
