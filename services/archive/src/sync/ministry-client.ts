import type { MinistryAnswer, SyncReason } from '../domain/sync';

/** What one request to the Ministry gave: the answer as the sync sees it, and what to keep of it. */
export interface MinistryExchange {
  answer: MinistryAnswer;
  httpStatus: number | null;
  /** The body received (at most 8 kB), or the error when nothing came back. */
  response: string;
}

/** The Ministry database (CSDL ngành) as the sync needs it; the HTTP adapter below is the real one. */
export interface MinistryGateway {
  submit(recordKey: string, payload: string): Promise<MinistryExchange>;
}

export interface MinistryHttpOptions {
  /** e.g. https://csdl.moet.gov.vn (the simulator locally): the record goes to `<baseUrl>/api/v1/hoc-ba`. */
  baseUrl: string;
  apiToken: string;
  timeoutMs: number;
}

const MAX_KEPT = 8 * 1024;

const transient = (code: string, message: string): MinistryAnswer => ({
  kind: 'TRANSIENT',
  reason: { code, message, path: null },
});

function reasonsFrom(body: unknown, status: number): SyncReason[] {
  const reasons = (body as { reasons?: unknown } | null)?.reasons;
  if (Array.isArray(reasons) && reasons.length > 0) {
    return reasons.map((r: { code?: unknown; message?: unknown; path?: unknown }) => ({
      code: typeof r.code === 'string' ? r.code : 'REJECTED',
      message: typeof r.message === 'string' ? r.message : 'CSDL ngành từ chối hồ sơ.',
      path: typeof r.path === 'string' ? r.path : null,
    }));
  }
  return [{ code: `HTTP_${status}`, message: `CSDL ngành từ chối hồ sơ (HTTP ${status}).`, path: null }];
}

/**
 * Sends one record over HTTP with its idempotency key. Only a definite answer about the record is
 * final (accepted; rejected with reasons); everything else (unavailable, overloaded, timeout, a
 * refused token) is transient and retried. A 409 means the Ministry holds other content under this
 * key, which the frozen payload should make impossible: it is final, with its reason, for a person
 * to look at.
 */
export class MinistryHttpClient implements MinistryGateway {
  constructor(private readonly options: MinistryHttpOptions) {}

  async submit(recordKey: string, payload: string): Promise<MinistryExchange> {
    let response: Response;
    try {
      response = await fetch(new URL('/api/v1/hoc-ba', this.options.baseUrl), {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          authorization: `Bearer ${this.options.apiToken}`,
          'idempotency-key': recordKey,
        },
        body: payload,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      const message = timedOut
        ? `CSDL ngành không trả lời trong ${this.options.timeoutMs} ms.`
        : 'Không kết nối được CSDL ngành.';
      return {
        answer: transient(timedOut ? 'MINISTRY_TIMEOUT' : 'MINISTRY_UNREACHABLE', message),
        httpStatus: null,
        response: (error as Error).message.slice(0, MAX_KEPT),
      };
    }
    const text = (await response.text().catch(() => '')).slice(0, MAX_KEPT);
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text; judged by the status alone.
    }
    const status = response.status;
    const kept = { httpStatus: status, response: text };
    const answered = (body as { status?: unknown } | null)?.status;
    if (status === 200 && answered === 'ACCEPTED') {
      const receiptId = (body as { receiptId?: unknown }).receiptId;
      return { answer: { kind: 'ACCEPTED', receiptId: String(receiptId ?? '') }, ...kept };
    }
    if (status === 200 && answered === 'REJECTED') {
      return { answer: { kind: 'REJECTED', reasons: reasonsFrom(body, status) }, ...kept };
    }
    if (status === 422 || status === 400 || status === 413) {
      return { answer: { kind: 'REJECTED', reasons: reasonsFrom(body, status) }, ...kept };
    }
    if (status === 409) {
      return {
        answer: {
          kind: 'REJECTED',
          reasons: [
            {
              code: 'SYNC_CONFLICT',
              message: 'CSDL ngành đã nhận một nội dung khác cho cùng phiên bản học bạ này; cần kiểm tra.',
              path: null,
            },
          ],
        },
        ...kept,
      };
    }
    if (status === 401 || status === 403) {
      return {
        answer: transient(
          'MINISTRY_UNAUTHORIZED',
          'CSDL ngành không chấp nhận thông tin xác thực của trường.',
        ),
        ...kept,
      };
    }
    return {
      answer: transient('MINISTRY_UNAVAILABLE', `CSDL ngành tạm thời không phục vụ (HTTP ${status}).`),
      ...kept,
    };
  }
}
