const OUTPUT_LINES_KEPT = 40;

/** Keeps the last lines a process printed, for error messages, and hands each line to `onLog`. */
export class OutputTail {
  private readonly lines: string[] = [];

  constructor(private readonly onLog: ((line: string) => void) | undefined) {}

  push(chunk: Buffer): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      this.onLog?.(line);
      this.lines.push(line);
      if (this.lines.length > OUTPUT_LINES_KEPT) this.lines.shift();
    }
  }

  toString(): string {
    return this.lines.join('\n');
  }
}
