/**
 * The start of the body of an HTTP answer from outside (an error text to log, a small JSON
 * answer): at most `maxBytes` are kept and the rest of the stream is cancelled, so a server that
 * answers with a huge or endless body costs at most `maxBytes` (plus one network chunk) of memory.
 */

export interface BodyStart {
  /** The bytes kept, decoded as UTF-8 (a character cut at the end reads as U+FFFD). */
  readonly text: string;
  /** Bytes kept: at most maxBytes. */
  readonly bytes: number;
  /** True when the body went on past maxBytes (the rest was not read). */
  readonly truncated: boolean;
}

/** The first `maxBytes` of a body as bytes; `truncated` when it went on past them (the rest is cancelled, not read). */
export async function readBytesStart(
  res: Response,
  maxBytes: number,
): Promise<{ readonly data: Uint8Array; readonly truncated: boolean }> {
  if (!res.body) return { data: new Uint8Array(), truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (bytes + value.byteLength > maxBytes) {
        chunks.push(value.subarray(0, maxBytes - bytes));
        truncated = true;
        break;
      }
      chunks.push(value);
      bytes += value.byteLength;
    }
  } finally {
    // Closes the connection's stream where it goes on; a no-op on one that ended.
    await reader.cancel().catch(() => undefined);
  }
  return { data: Buffer.concat(chunks), truncated };
}

export async function readBodyStart(res: Response, maxBytes: number): Promise<BodyStart> {
  const { data, truncated } = await readBytesStart(res, maxBytes);
  return { text: Buffer.from(data).toString('utf8'), bytes: data.byteLength, truncated };
}

/** A body's text as one line for a log or an error: whitespace runs as one space, at most `maxChars`, "…" where cut. */
export function excerpt(text: string, maxChars: number, truncated = false): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > maxChars || truncated ? `${line.slice(0, maxChars)}…` : line;
}

/** The start of the body as one line of at most `maxChars` (reads at most 4 bytes a character). */
export async function bodyExcerpt(res: Response, maxChars: number): Promise<string> {
  const { text, truncated } = await readBodyStart(res, maxChars * 4);
  return excerpt(text, maxChars, truncated);
}
