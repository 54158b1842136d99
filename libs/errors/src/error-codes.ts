/** Stable codes for plain HTTP errors; clients may rely on them. */
const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  410: 'gone',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable_entity',
  429: 'too_many_requests',
  500: 'internal_error',
  502: 'bad_gateway',
  503: 'service_unavailable',
  504: 'gateway_timeout',
};

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Please sign in',
  403: 'Access denied',
  404: 'Page not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Request too large',
  415: 'Unsupported content type',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Service unavailable',
};

export function codeForStatus(status: number): string {
  return CODES[status] ?? (status >= 500 ? 'internal_error' : 'error');
}

export function titleForStatus(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Request failed');
}
