/** Why a request could not be forwarded to the upstream app, in plain words with the error's code. */
export interface UpstreamFailure {
  code: 'MTLS_SERVE_UPSTREAM_UNREACHABLE';
  reason: string;
  detail: string | null;
}

function codeOf(error: Error): string | null {
  const own = (error as { code?: unknown }).code;
  if (typeof own === 'string') return own;
  const cause = (error as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : null;
}

/** undici's and the socket's errors, as a sentence that names the upstream. */
export function upstreamFailure(error: Error, origin: string, responded: boolean): UpstreamFailure {
  const detail = codeOf(error);
  const code = 'MTLS_SERVE_UPSTREAM_UNREACHABLE' as const;
  if (responded) return { code, reason: `${origin} broke off its answer midway (${error.message})`, detail };
  switch (detail) {
    case 'ECONNREFUSED':
      return { code, reason: `nothing listens on ${origin} (connection refused): is the app running on that port?`, detail };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { code, reason: `the host of ${origin} does not resolve`, detail };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { code, reason: `${origin} did not accept the connection in time`, detail };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { code, reason: `${origin} accepted the request but sent no answer in time`, detail };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return { code, reason: `${origin} closed the connection without an answer`, detail };
    default:
      if (detail?.startsWith('HPE_')) return { code, reason: `${origin} answered with something that is not HTTP/1.1 (is it an HTTPS port?)`, detail };
      return { code, reason: `the request could not be forwarded to ${origin}: ${error.message}`, detail };
  }
}
