/**
 * A tiny terminal for the Keras progress bar: it understands the three
 * control characters the bar writes ('\r' returns to the start of the line,
 * '\b' moves back, '\n' ends a line), so the page shows what a terminal would.
 */
export class Terminal {
  private readonly done: string[] = [];
  private current = '';

  write(text: string): void {
    for (const char of text) {
      if (char === '\n') {
        this.done.push(this.current.trimEnd());
        this.current = '';
      } else if (char === '\r') {
        this.current = '';
      } else if (char !== '\b') {
        this.current += char;
      }
    }
  }

  /** The finished lines and the line being drawn, as the screen shows them. */
  get text(): string {
    return [...this.done, ...(this.current === '' ? [] : [this.current.trimEnd()])].join('\n');
  }

  clear(): void {
    this.done.length = 0;
    this.current = '';
  }
}
