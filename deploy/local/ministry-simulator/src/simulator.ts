import { randomUUID, createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MinistryRecord } from '@hocbaso/record-book';
import { createLogger, type Logger } from '@hocbaso/service-kit';
import { canonicalize, sha256Hex } from '@hocbaso/signing';
import { z } from 'zod';
import { checkAgainstHolding, checkMinistryRecord } from './record-check';
import type { RejectionReason } from './reasons';
import { checkAgainstSchema } from './schema-check';
import { SimulatorState, type ReceivedOutcome, type SimulatorControl } from './simulator-control';

/** A record book year is a few hundred kilobytes; beyond this the Ministry answers 413. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Past this the connection is cut rather than read to the end. */
const HARD_BODY_LIMIT = 8 * MAX_BODY_BYTES;
const MAX_CONTROL_BYTES = 1024 * 1024;

export interface MinistrySimulatorOptions {
  /** 0: any free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The bearer token every request must carry (`Authorization: Bearer <apiToken>`). */
  apiToken: string;
  /** School CA certificates (PEM) the Ministry trusts; absent: each chain's own root. */
  trustedCas?: string[];
  /** Default: silent. */
  logger?: Logger;
}

export interface MinistrySimulator {
  /** `http://host:port`, without a trailing slash. */
  url: string;
  control: SimulatorControl;
  close(): Promise<void>;
}

const failureStatus = z.number().int().min(400).max(599);
const count = z.number().int().min(0);
const controlCommandSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('failNext'), count, status: failureStatus.optional() }),
  z.object({ action: z.literal('failFor'), ms: count, status: failureStatus.optional() }),
  z.object({ action: z.literal('slow'), ms: count }),
  z.object({ action: z.literal('dropConnections'), count }),
  z.object({
    action: z.literal('rejectPersonalIds'),
    ids: z.array(z.string().min(1)).min(1),
    reason: z.string().min(1).optional(),
  }),
  z.object({ action: z.literal('reset') }),
]);
export type ControlCommand = z.infer<typeof controlCommandSchema>;

function applyCommand(control: SimulatorControl, command: ControlCommand): void {
  switch (command.action) {
    case 'failNext':
      return control.failNext(command.count, command.status);
    case 'failFor':
      return control.failFor(command.ms, command.status);
    case 'slow':
      return control.slow(command.ms);
    case 'dropConnections':
      return control.dropConnections(command.count);
    case 'rejectPersonalIds':
      return control.rejectPersonalIds(command.ids, command.reason);
    case 'reset':
      return control.reset();
  }
}

/** Logged per submission: the record key names a student-year by internal ids, no personal data. */
interface Submitted {
  outcome: ReceivedOutcome;
  recordKey: string | null;
}

type Body = { tooLarge: false; text: string } | { tooLarge: true };

/** Reads the whole body; one too large is drained (so the client reads the 413) or cut. */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > HARD_BODY_LIMIT) req.socket.destroy();
      else if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(
        size > limit ? { tooLarge: true } : { tooLarge: false, text: Buffer.concat(chunks).toString('utf8') },
      ),
    );
    req.on('error', reject);
    // A client gone (or cut above) before the end: nothing to answer.
    req.on('close', () => {
      if (!req.complete) reject(new ClientGoneError());
    });
  });
}

class ClientGoneError extends Error {}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const MESSAGES = {
  unauthorized: 'Thiếu hoặc sai mã truy cập (Authorization: Bearer ...).',
  tooLarge: `Dữ liệu gửi vượt quá ${MAX_BODY_BYTES / 1024 / 1024} MB.`,
  notJson: 'Nội dung gửi không phải JSON hợp lệ.',
  idempotencyKey: 'Thiếu tiêu đề Idempotency-Key, hoặc tiêu đề này khác recordKey của bản ghi.',
  conflict:
    'Idempotency-Key này đã được dùng cho một nội dung khác; mỗi phiên bản học bạ phải gửi cùng một nội dung.',
  unavailable: 'CSDL ngành tạm thời không phục vụ được; vui lòng gửi lại sau.',
  notFound: 'Không tìm thấy.',
  noHolding: 'CSDL ngành chưa lưu học bạ năm học này của học sinh.',
};

/**
 * Starts the local stand-in for the Ministry database (CSDL ngành) on an HTTP port. It keeps
 * everything in memory: a restart is a fresh Ministry.
 */
export async function startMinistrySimulator(options: MinistrySimulatorOptions): Promise<MinistrySimulator> {
  if (!options.apiToken) throw new Error('the Ministry simulator needs an apiToken');
  const logger = options.logger ?? createLogger({ service: 'ministry-simulator', level: 'silent' });
  const state = new SimulatorState();
  const tokenDigest = createHash('sha256').update(`Bearer ${options.apiToken}`).digest();
  const trustedCas = options.trustedCas;

  const authorized = (req: IncomingMessage) => {
    const given = createHash('sha256')
      .update(req.headers.authorization ?? '')
      .digest();
    return timingSafeEqual(given, tokenDigest);
  };

  async function submit(req: IncomingMessage, res: ServerResponse): Promise<Submitted> {
    const at = new Date().toISOString();
    const body = await readBody(req, MAX_BODY_BYTES);
    if (state.delay > 0) await sleep(state.delay);
    const header = req.headers['idempotency-key'];
    const idempotencyKey = typeof header === 'string' && header !== '' ? header : null;
    let parsed: unknown = undefined;
    let payloadHash: string | null = null;
    if (!body.tooLarge) {
      try {
        parsed = JSON.parse(body.text);
        payloadHash = sha256Hex(canonicalize(parsed));
      } catch {
        parsed = undefined;
        payloadHash = null;
      }
    }
    const bodyKey =
      payloadHash !== null && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as { recordKey?: unknown }).recordKey
        : undefined;
    const recordKey = typeof bodyKey === 'string' ? bodyKey : idempotencyKey;
    const answer = (outcome: ReceivedOutcome, status: number, payload: unknown): Submitted => {
      state.note({ at, recordKey, payloadHash, outcome, status });
      send(res, status, payload);
      return { outcome, recordKey };
    };

    if (body.tooLarge)
      return answer('REFUSED', 413, { status: 'PAYLOAD_TOO_LARGE', message: MESSAGES.tooLarge });
    if (!authorized(req))
      return answer('REFUSED', 401, { status: 'UNAUTHORIZED', message: MESSAGES.unauthorized });

    // Injected faults come before anything is looked at or stored: a 5xx means not stored.
    const fault = state.takeFault();
    if (fault?.kind === 'DROP') {
      state.note({ at, recordKey, payloadHash, outcome: 'DROPPED', status: null });
      req.socket.destroy();
      return { outcome: 'DROPPED', recordKey };
    }
    if (fault?.kind === 'FAIL') {
      return answer('FAILED', fault.status, { status: 'UNAVAILABLE', message: MESSAGES.unavailable });
    }

    if (payloadHash === null)
      return answer('REFUSED', 400, { status: 'BAD_REQUEST', message: MESSAGES.notJson });
    if (idempotencyKey === null || idempotencyKey !== bodyKey) {
      return answer('REFUSED', 400, { status: 'BAD_REQUEST', message: MESSAGES.idempotencyKey });
    }

    const earlier = state.answerFor(idempotencyKey);
    if (earlier) {
      if (earlier.payloadHash === payloadHash) {
        return answer('REPLAYED', earlier.status, { ...earlier.body, replayed: true });
      }
      return answer('CONFLICT', 409, {
        status: 'CONFLICT',
        recordKey: idempotencyKey,
        message: MESSAGES.conflict,
      });
    }

    let reasons: RejectionReason[] = checkAgainstSchema(parsed);
    const record = parsed as MinistryRecord;
    if (reasons.length === 0) {
      reasons = [
        ...checkMinistryRecord(record, { trustedCas, unknownPersonalIds: state.unknownPersonalIds }),
        ...checkAgainstHolding(record, state.holding(record.studentId, record.schoolYear)),
      ];
    }
    if (reasons.length > 0) {
      const rejected = { status: 'REJECTED', recordKey: idempotencyKey, reasons };
      state.remember(idempotencyKey, { payloadHash, status: 422, body: rejected });
      return answer('REJECTED', 422, rejected);
    }
    const receiptId = randomUUID();
    state.hold({
      recordKey: record.recordKey,
      studentId: record.studentId,
      schoolYear: record.schoolYear,
      schoolId: record.school.id,
      recordVersion: record.recordVersion,
      replacesVersion: record.replacesVersion,
      receiptId,
      receivedAt: at,
      payloadHash,
      record,
    });
    const accepted = { status: 'ACCEPTED', receiptId, recordKey: record.recordKey, receivedAt: at };
    state.remember(idempotencyKey, { payloadHash, status: 200, body: accepted });
    return answer('ACCEPTED', 200, accepted);
  }

  async function lookUp(req: IncomingMessage, res: ServerResponse, key: string): Promise<void> {
    if (state.delay > 0) await sleep(state.delay);
    if (!authorized(req)) return send(res, 401, { status: 'UNAUTHORIZED', message: MESSAGES.unauthorized });
    // `<studentId>:<schoolYear>` or a recordKey `<studentId>:<schoolYear>:v<n>`: the student-year it names.
    const match = /^(.+):(\d{4}-\d{4})(?::v\d+)?$/.exec(key);
    const held = match ? state.holding(match[1] as string, match[2] as string) : undefined;
    if (!held) return send(res, 404, { status: 'NOT_FOUND', message: MESSAGES.noHolding });
    send(res, 200, held);
  }

  async function controlRequest(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (!authorized(req)) return send(res, 401, { status: 'UNAUTHORIZED', message: MESSAGES.unauthorized });
    if (req.method === 'GET' && path === '/__control/received') return send(res, 200, state.received());
    if (req.method === 'GET' && path === '/__control/records') return send(res, 200, state.records());
    if (req.method !== 'POST' || path !== '/__control') {
      return send(res, 404, { status: 'NOT_FOUND', message: MESSAGES.notFound });
    }
    const body = await readBody(req, MAX_CONTROL_BYTES);
    if (body.tooLarge) return send(res, 413, { status: 'PAYLOAD_TOO_LARGE', message: MESSAGES.tooLarge });
    let command: ControlCommand;
    try {
      command = controlCommandSchema.parse(JSON.parse(body.text));
    } catch (error) {
      const detail =
        error instanceof z.ZodError ? error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) : [];
      return send(res, 400, { status: 'BAD_REQUEST', message: 'Lệnh điều khiển không hợp lệ.', detail });
    }
    applyCommand(state, command);
    logger.info({ action: command.action }, 'control command applied');
    send(res, 200, { status: 'OK', action: command.action });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const path = new URL(req.url ?? '/', 'http://ministry.invalid').pathname;
    if (req.method === 'GET' && (path === '/health' || path === '/readyz')) {
      return send(res, 200, { status: 'OK' });
    }
    if (path === '/__control' || path.startsWith('/__control/')) return controlRequest(req, res, path);
    if (req.method === 'POST' && path === '/api/v1/hoc-ba') {
      const { outcome, recordKey } = await submit(req, res);
      const status = outcome === 'DROPPED' ? null : res.statusCode;
      logger.info({ recordKey, outcome, status, ms: Date.now() - started }, 'submission');
      return;
    }
    const lookup = /^\/api\/v1\/hoc-ba\/([^/]+)$/.exec(path);
    if (req.method === 'GET' && lookup) {
      let key: string;
      try {
        key = decodeURIComponent(lookup[1] as string);
      } catch {
        return send(res, 404, { status: 'NOT_FOUND', message: MESSAGES.notFound });
      }
      return lookUp(req, res, key);
    }
    send(res, 404, { status: 'NOT_FOUND', message: MESSAGES.notFound });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (error instanceof ClientGoneError)
        return logger.debug({ path: req.url }, 'client gone before the body ended');
      logger.error({ err: error, path: req.url }, 'request failed');
      if (!res.headersSent) send(res, 500, { status: 'INTERNAL', message: 'Lỗi nội bộ của trình giả lập.' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    control: state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
