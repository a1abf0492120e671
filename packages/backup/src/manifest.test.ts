import { createHash } from 'node:crypto';
import { BSON } from 'mongodb';
import { documentLine, parseDocumentLine } from './collection-dump';
import {
  BACKUP_FORMAT,
  backupIdAt,
  collectionFile,
  integrityError,
  integrityProblems,
  parseManifest,
  type BackupManifest,
} from './manifest';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A two-database manifest whose totals are added up by hand. */
function manifest(): BackupManifest {
  return {
    format: BACKUP_FORMAT,
    backupId: '20260601T020000Z-abcdef',
    startedAt: '2026-06-01T02:00:00.000Z',
    completedAt: '2026-06-01T02:00:03.000Z',
    kafka: {
      takenAt: '2026-06-01T02:00:00.100Z',
      consumerGroups: [
        { groupId: 'conduct', offsets: [{ topic: 'hocbaso.students.class', partition: 0, offset: '42' }] },
      ],
      highWatermarks: [{ topic: 'hocbaso.students.class', partition: 0, offset: '45' }],
    },
    databases: [
      {
        name: 'hocbaso_conduct',
        collections: [
          {
            name: 'conduct',
            file: 'hocbaso_conduct/conduct.ejson.jsonl',
            documents: 3,
            bytes: 300,
            sha256: sha('a'),
            indexes: [],
          },
          {
            name: 'event_log',
            file: 'hocbaso_conduct/event_log.ejson.jsonl',
            documents: 2,
            bytes: 20,
            sha256: sha('b'),
            indexes: [],
          },
        ],
      },
      {
        name: 'hocbaso_signatures',
        collections: [
          {
            name: 'signatures',
            file: 'hocbaso_signatures/signatures.ejson.jsonl',
            documents: 1,
            bytes: 7,
            sha256: sha('c'),
            indexes: [],
          },
        ],
      },
    ],
    totals: { databases: 2, collections: 3, documents: 6, bytes: 327 },
  };
}

const text = (value: unknown) => JSON.stringify(value);

describe('parseManifest', () => {
  it('reads a consistent manifest as it was written', () => {
    expect(parseManifest(text(manifest()))).toEqual(manifest());
  });

  it.each([
    ['not JSON', '{ nope', 'UNREADABLE'],
    ['another format', text({ ...manifest(), format: 'hocbaso.backup/2' }), 'FORMAT'],
    [
      'a missing hash',
      text({
        ...manifest(),
        databases: [
          { name: 'x', collections: [{ name: 'c', file: 'x/c', documents: 1, bytes: 1, indexes: [] }] },
        ],
      }),
      'SHAPE',
    ],
  ])('refuses %s with BACKUP_INVALID', (_case, input, problem) => {
    expect(() => parseManifest(input)).toThrow(expect.objectContaining({ code: 'BACKUP_INVALID' }));
    try {
      parseManifest(input);
    } catch (error) {
      expect((error as { extensions: { details: { problem: string } } }).extensions.details.problem).toBe(
        problem,
      );
    }
  });

  it('refuses totals that do not add up', () => {
    const wrong = { ...manifest(), totals: { databases: 2, collections: 3, documents: 7, bytes: 327 } };
    expect(() => parseManifest(text(wrong))).toThrow(/tổng documents ghi 7 nhưng cộng lại được 6/);
  });

  it.each(['../outside.jsonl', '/etc/passwd', 'a/../../b.jsonl', 'a\\b.jsonl'])(
    'refuses a file name that leaves the backup folder: %s',
    (file) => {
      const bad = manifest();
      bad.databases[1]!.collections[0]!.file = file;
      expect(() => parseManifest(text(bad))).toThrow(/nằm ngoài thư mục sao lưu/);
    },
  );

  it('refuses the same file used twice', () => {
    const bad = manifest();
    bad.databases[0]!.collections[1]!.file = 'hocbaso_conduct/conduct.ejson.jsonl';
    expect(() => parseManifest(text(bad))).toThrow(/được dùng hai lần/);
  });
});

describe('integrityProblems', () => {
  const files = () =>
    new Map([
      ['hocbaso_conduct/conduct.ejson.jsonl', { bytes: 300, sha256: sha('a') }],
      ['hocbaso_conduct/event_log.ejson.jsonl', { bytes: 20, sha256: sha('b') }],
      ['hocbaso_signatures/signatures.ejson.jsonl', { bytes: 7, sha256: sha('c') }],
    ]);

  it('finds nothing when every file has its size and hash', () => {
    expect(integrityProblems(manifest().databases, files())).toEqual([]);
  });

  it('names a missing file, a file of another size, and a file with another hash', () => {
    const actual = files();
    actual.delete('hocbaso_conduct/conduct.ejson.jsonl');
    actual.set('hocbaso_conduct/event_log.ejson.jsonl', { bytes: 21, sha256: sha('b') });
    actual.set('hocbaso_signatures/signatures.ejson.jsonl', { bytes: 7, sha256: sha('C') });
    const problems = integrityProblems(manifest().databases, actual);
    expect(problems.map((p) => [p.file, p.problem])).toEqual([
      ['hocbaso_conduct/conduct.ejson.jsonl', 'MISSING'],
      ['hocbaso_conduct/event_log.ejson.jsonl', 'SIZE'],
      ['hocbaso_signatures/signatures.ejson.jsonl', 'HASH'],
    ]);
    const error = integrityError(problems);
    expect(error.code).toBe('BACKUP_INVALID');
    expect(error.message).toBe(
      'Bản sao lưu đã bị hỏng hoặc bị sửa, chưa ghi gì vào cơ sở dữ liệu: hocbaso_conduct/conduct.ejson.jsonl (thiếu tệp), ' +
        'hocbaso_conduct/event_log.ejson.jsonl (sai kích thước), hocbaso_signatures/signatures.ejson.jsonl (sai mã băm).',
    );
  });

  it('checks only the databases asked for', () => {
    const actual = files();
    actual.delete('hocbaso_conduct/conduct.ejson.jsonl');
    expect(integrityProblems(manifest().databases.slice(1), actual)).toEqual([]);
  });
});

describe('names', () => {
  it('gives a backup id that sorts like its time', () => {
    expect(backupIdAt(new Date('2026-06-01T02:03:04.567Z'), '3f9a1c')).toBe('20260601T020304Z-3f9a1c');
    const ids = ['2026-12-01T00:00:00Z', '2026-02-01T00:00:00Z', '2027-01-01T00:00:00Z'].map((t) =>
      backupIdAt(new Date(t), 'x'),
    );
    expect([...ids].sort()).toEqual([ids[1], ids[0], ids[2]]);
  });

  it('keeps every collection file inside its database folder', () => {
    expect(collectionFile('hocbaso_conduct', 'event_log')).toBe('hocbaso_conduct/event_log.ejson.jsonl');
    expect(collectionFile('db', '../x/y')).toBe('db/..%2Fx%2Fy.ejson.jsonl');
  });
});

describe('document lines', () => {
  it('keep dates, binary data, ObjectIds and each number type', () => {
    const document = {
      _id: new BSON.ObjectId('65f0a1b2c3d4e5f601234567'),
      at: new Date('2026-06-01T02:00:00.123Z'),
      whole: new BSON.Double(8),
      small: new BSON.Int32(8),
      big: BSON.Long.fromString('9007199254740993'),
      exact: BSON.Decimal128.fromString('8.50'),
      bytes: new BSON.Binary(Buffer.from([0, 1, 2, 255])),
      text: 'Nguyễn Thị Ánh Dương',
    };
    const line = documentLine(document);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toMatchObject({
      whole: { $numberDouble: '8.0' },
      small: { $numberInt: '8' },
      big: { $numberLong: '9007199254740993' },
      exact: { $numberDecimal: '8.50' },
    });
    const back = parseDocumentLine(line);
    expect(back.whole).toBeInstanceOf(BSON.Double);
    expect(back.small).toBeInstanceOf(BSON.Int32);
    expect(back.big.toString()).toBe('9007199254740993');
    expect((back.at as Date).toISOString()).toBe('2026-06-01T02:00:00.123Z');
    expect(Buffer.from((back.bytes as BSON.Binary).buffer)).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(documentLine(back)).toBe(line);
  });
});
