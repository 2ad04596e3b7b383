const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * Splits a byte stream into NDJSON lines. It cuts on the newline byte before decoding, and a
 * UTF-8 sequence never contains that byte, so a character split across chunks is decoded whole
 * once its line is complete. A `\r` before the `\n` is dropped, as the host does.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8");
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** @param maxLineBytes a line longer than this throws: a peer that never sends `\n` cannot grow memory without bound. */
  constructor(private readonly maxLineBytes = 64 * 1024 * 1024) {}

  /** The bytes of an unfinished line held so far. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Takes one chunk and returns every line it completes, in order, without their `\n`. */
  push(chunk: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(NEWLINE, start);
      if (end < 0) {
        break;
      }
      lines.push(this.finishLine(chunk.subarray(start, end)));
      start = end + 1;
    }
    if (start < chunk.length) {
      this.hold(chunk.subarray(start));
    }
    return lines;
  }

  private hold(part: Uint8Array): void {
    if (this.pendingBytes + part.length > this.maxLineBytes) {
      throw new RangeError(`line exceeds ${this.maxLineBytes} bytes`);
    }
    // Copied: the caller may reuse the chunk's memory after push returns.
    this.pending.push(Buffer.from(part));
    this.pendingBytes += part.length;
  }

  private finishLine(tail: Uint8Array): string {
    let bytes: Uint8Array = tail;
    if (this.pending.length > 0) {
      if (this.pendingBytes + tail.length > this.maxLineBytes) {
        throw new RangeError(`line exceeds ${this.maxLineBytes} bytes`);
      }
      bytes = Buffer.concat([...this.pending, tail]);
      this.pending = [];
      this.pendingBytes = 0;
    }
    if (bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN) {
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    return this.decoder.decode(bytes);
  }
}
