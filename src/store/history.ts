/** A fixed-size ring buffer of numbers, oldest first when read: histories for rates and sparklines. */
export class RingBuffer {
  private readonly values: number[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.values = new Array<number>(capacity).fill(0);
  }

  push(value: number): void {
    const index = (this.start + this.count) % this.capacity;
    this.values[index] = value;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  get length(): number {
    return this.count;
  }

  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.values[(this.start + i) % this.capacity] ?? 0);
    return out;
  }

  /** A new buffer with the value appended, leaving this one unchanged (for immutable state). */
  with(value: number): RingBuffer {
    const next = new RingBuffer(this.capacity);
    for (const v of this.toArray()) next.push(v);
    next.push(value);
    return next;
  }
}
