import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_BASE } from './problem.ts';

/**
 * Requests Node's HTTP parser refuses before any handler runs (oversized headers, a header line
 * that is not a header, a broken request line, a client too slow to send its headers) are answered
 * with a problem too, instead of Node's bare status line, and the connection is closed: it cannot
 * be trusted to frame another request.
 */
export function malformedHttpResponse(error: NodeJS.ErrnoException): string {
  const [status, code, title] =
    error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'headers-too-large', 'The request headers are too large.'] as const
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request-timeout', 'The request was not received in time.'] as const
        : [400, 'malformed-http', 'The request is not valid HTTP/1.1.'] as const;
  const body = JSON.stringify({ type: PROBLEM_BASE + code, title, status });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** The `clientError` listener for the HTTP server. */
export function answerMalformedHttp(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  socket.end(malformedHttpResponse(error));
}
