/**
 * Server-sent events read with fetch: the browser's EventSource cannot send the Authorization
 * header the venue API needs (docs/verifier-api.md). Yields each `event:`/`data:` block.
 */
import { call } from './api.js';

export interface ServerEvent {
  readonly event: string;
  readonly data: string;
}

export async function* serverEvents(path: string, key: string, signal: AbortSignal): AsyncGenerator<ServerEvent> {
  const response = await call('GET', path, { key, accept: 'text/event-stream', signal });
  if (!response.body) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length > 0) yield { event, data: data.join('\n') };
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
