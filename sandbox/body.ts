import type { IncomingMessage } from "node:http";

/** The largest request body a sandbox API takes; neither API needs more than a few KB. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
The request body as text, or undefined when it is larger than MAX_BODY_BYTES. An oversized body is drained to the
end but not buffered, so the client receives the API's answer (413 or 400) instead of a reset connection.
*/
export function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on("end", () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}
