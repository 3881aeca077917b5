/**
 * Splits a byte stream into lines on `\n`, `\r\n` and a bare `\r` (progress bars
 * such as tqdm redraw a line with `\r`). A line longer than `maxLineLength` is cut
 * so a binary blob on stdout cannot grow memory without bound.
 */
export class LineSplitter {
  private pending = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = 8192,
  ) {}

  push(chunk: Buffer | string): void {
    this.pending += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    let match: RegExpExecArray | null;
    const separator = /\r\n|\r|\n/g;
    let start = 0;
    while ((match = separator.exec(this.pending)) !== null) {
      // A trailing `\r` may be the first half of `\r\n`: wait for the next chunk.
      if (match[0] === '\r' && match.index === this.pending.length - 1) break;
      this.emit(this.pending.slice(start, match.index));
      start = match.index + match[0].length;
    }
    this.pending = this.pending.slice(start);
    if (this.pending.length > this.maxLineLength) {
      this.emit(this.pending);
      this.pending = '';
    }
  }

  /** Emits whatever is left once the stream has ended. */
  end(): void {
    if (this.pending.length > 0) this.emit(this.pending);
    this.pending = '';
  }

  private emit(line: string): void {
    const trimmed = line.length > this.maxLineLength ? line.slice(0, this.maxLineLength) : line;
    if (trimmed.trim().length > 0) this.onLine(trimmed);
  }
}

/** Keeps the last `capacity` lines; old lines fall off the front. */
export class LineTail {
  private readonly lines: string[] = [];

  constructor(private readonly capacity: number) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.shift();
  }

  snapshot(): string[] {
    return [...this.lines];
  }
}
