import { PassThrough, Writable } from 'node:stream';

/** A terminal of a fixed size that swallows what is drawn (counting it), for a long-lived Ink instance. */
export class FakeOutput extends Writable {
  readonly isTTY = true;
  bytes = 0;
  writes = 0;

  constructor(
    readonly columns: number,
    readonly rows: number,
    /** Sees each write as it arrives. */
    private readonly onWrite?: (chunk: string) => void,
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    this.writes++;
    this.onWrite?.(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    callback();
  }
}

/** A keyboard that never types: enough for Ink to enable raw mode and listen. */
export class FakeInput extends PassThrough {
  readonly isTTY = true;
  isRaw = false;

  setRawMode(mode: boolean): this {
    this.isRaw = mode;
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}

export const asWriteStream = (stream: FakeOutput): NodeJS.WriteStream => stream as unknown as NodeJS.WriteStream;
export const asReadStream = (stream: FakeInput): NodeJS.ReadStream => stream as unknown as NodeJS.ReadStream;
