import net from 'node:net';
import { closedPort, infra, testLogger, uniqueDbName } from '@hocbaso/testkit';
import { Schema, type Connection } from 'mongoose';
import { connectMongo, findByIds, pingMongo, setStoreProfile, storeProfile, syncIndexes } from '../src';

jest.setTimeout(60_000);

describe('connectMongo (real store)', () => {
  const logger = testLogger('mongo-it');
  const opened: Connection[] = [];

  afterAll(async () => {
    for (const connection of opened) {
      await connection.dropDatabase().catch(() => undefined);
      await connection.close().catch(() => undefined);
    }
  });

  it('connects to its own database, answers a ping, and stops answering once closed', async () => {
    const dbName = uniqueDbName('mongo');
    const connection = await connectMongo({ uri: infra().mongodbUri, dbName, logger, timeoutMs: 20_000 });
    opened.push(connection);
    expect(connection.name).toBe(dbName);
    expect(await pingMongo(connection)).toBe(true);

    await connection.db!.collection('probe').insertOne({ _id: 'p1' } as never);
    expect(await connection.db!.collection('probe').countDocuments()).toBe(1);
    expect(logger.lines.some((line) => line.includes('connected to MongoDB') && line.includes(dbName))).toBe(
      true,
    );

    await connection.dropDatabase();
    opened.pop();
    await connection.close();
    expect(await pingMongo(connection)).toBe(false);
  });

  it('waits for a store that comes up after it started', async () => {
    const port = await closedPort();
    const store = new URL(infra().mongodbUri);
    // The "store" appears after a second: a TCP relay on the port the service was told to use.
    const relay = net.createServer((client) => {
      const upstream = net.connect(Number(store.port || 27017), store.hostname);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    const sockets = new Set<net.Socket>();
    relay.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    const timer = setTimeout(() => relay.listen(port, '127.0.0.1'), 1_000);
    try {
      const started = Date.now();
      const connection = await connectMongo({
        uri: `mongodb://127.0.0.1:${port}/`,
        dbName: uniqueDbName('late'),
        logger,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(await pingMongo(connection)).toBe(true);
      await connection.close();
    } finally {
      clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  it('gives up on an unreachable store within its timeout', async () => {
    const port = await closedPort();
    const started = Date.now();
    await expect(
      connectMongo({
        uri: `mongodb://127.0.0.1:${port}/`,
        dbName: uniqueDbName('nope'),
        logger,
        timeoutMs: 800,
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(700);
    // Not overrun by a whole server-selection period (5 s).
    expect(elapsed).toBeLessThan(3_000);
  });

  it('retries while the store is unreachable, logging each failed attempt, until its timeout', async () => {
    const port = await closedPort();
    const before = logger.lines.length;
    await expect(
      connectMongo({
        uri: `mongodb://127.0.0.1:${port}/`,
        dbName: uniqueDbName('nope'),
        logger,
        timeoutMs: 5_600,
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
    const warnings = logger.lines.slice(before).filter((line) => line.includes('MongoDB not reachable yet'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({
      level: 'warn',
      attempt: 0,
      err: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it('stops retrying when its signal aborts', async () => {
    const port = await closedPort();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    await expect(
      connectMongo({
        uri: `mongodb://127.0.0.1:${port}/`,
        dbName: uniqueDbName('nope'),
        logger,
        signal: controller.signal,
      }),
    ).rejects.toThrow();
    // Without a timeout it would retry forever; the abort ends it at once, not after a server selection (5 s).
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('syncIndexes creates the declared indexes, and a second run is a no-op', async () => {
    const connection = await connectMongo({
      uri: infra().mongodbUri,
      dbName: uniqueDbName('indexes'),
      logger,
      timeoutMs: 20_000,
    });
    opened.push(connection);
    const schema = new Schema({ username: String, schoolId: String });
    schema.index({ schoolId: 1, username: 1 }, { unique: true });
    connection.model('Account', schema, 'accounts');

    await syncIndexes(connection);
    await syncIndexes(connection);

    const indexes = await connection.db!.collection('accounts').indexes();
    expect(indexes.map((i) => i.key)).toEqual(
      expect.arrayContaining([{ _id: 1 }, { schoolId: 1, username: 1 }]),
    );
    const unique = indexes.find((i) => i.key.schoolId === 1);
    expect(unique?.unique).toBe(true);
  });

  it('findByIds returns the same documents by one $in query and by parallel reads by _id', async () => {
    const connection = await connectMongo({
      uri: infra().mongodbUri,
      dbName: uniqueDbName('by_ids'),
      logger,
      timeoutMs: 20_000,
    });
    opened.push(connection);
    // The project's local store is FerretDB v1 (deploy/local), which serves only _id equality.
    expect(storeProfile(connection)).toEqual({ indexesOnlyIdEquality: true });
    const Book = connection.model('Book', new Schema({ _id: String, title: String }), 'books');
    await Book.insertMany(Array.from({ length: 70 }, (_, i) => ({ _id: `b${i}`, title: `T${i}` })));
    // More ids than one round of parallel reads, a repeat and two that do not exist.
    const ids = [...Array.from({ length: 40 }, (_, i) => `b${i * 2 - 10}`), 'b4', 'missing'];
    const expected = Array.from({ length: 35 }, (_, i) => `b${i * 2}`).sort();

    const byReads = await findByIds<{ _id: string; title: string }>(Book, ids);
    setStoreProfile(connection, { indexesOnlyIdEquality: false });
    const byIn = await findByIds<{ _id: string; title: string }>(Book, ids);

    for (const found of [byReads, byIn]) {
      expect(found.map((b) => b._id).sort()).toEqual(expected);
      expect(found.find((b) => b._id === 'b4')).toEqual({ _id: 'b4', title: 'T4', __v: 0 });
    }
    expect(await findByIds(Book, [])).toEqual([]);
  });

  it('logs a command slower than its threshold with its shape and no values', async () => {
    const slowLogger = testLogger('mongo-slow');
    const connection = await connectMongo({
      uri: infra().mongodbUri,
      dbName: uniqueDbName('slow'),
      logger: slowLogger,
      timeoutMs: 20_000,
      slowCommandMs: 0, // every command is "slow"
    });
    opened.push(connection);
    await connection.db!.collection('probes').findOne({ secretField: 'Nguyễn Văn An' });
    const slow = slowLogger.lines
      .filter((line) => line.includes('slow database command'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(slow).toContainEqual(
      expect.objectContaining({ command: 'find', collection: 'probes', filter: { secretField: '?' } }),
    );
    expect(slowLogger.lines.join('\n')).not.toContain('Nguyễn');
  });
});
