/**
 * Reading a response body from the network with a size limit that holds while it streams: a peer
 * that sends more (chunked, or with a false Content-Length) is cut off at the limit, instead of being
 * buffered whole first (`response.text()` would hold hundreds of megabytes before any check).
 */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

/** The body's bytes, or BodyTooLargeError (and the download cancelled) as soon as it exceeds maxBytes. */
export async function readBodyWithin(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(`the body is larger than ${maxBytes} bytes (Content-Length ${declared})`);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      // Cancelling aborts the underlying connection: nothing more is read.
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(`the body is larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
