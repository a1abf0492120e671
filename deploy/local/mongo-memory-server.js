// Keeps one mongodb-memory-server instance (MONGOMS_SYSTEM_BINARY's mongod) running until signalled.
const { MongoMemoryServer } = require('mongodb-memory-server-core');

async function main() {
  const [port, dbPath] = process.argv.slice(2);
  const server = await MongoMemoryServer.create({
    instance: { port: Number(port), ip: '127.0.0.1', dbPath, storageEngine: 'wiredTiger' },
  });
  process.stdout.write(`mongod ready at ${server.getUri()}\n`);
  const stop = () => server.stop({ doCleanup: false }).then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
