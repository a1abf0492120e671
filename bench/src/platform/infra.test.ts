import { parseExports, parseStatusPids } from './infra';

describe('parseExports', () => {
  it('reads the addresses infra.sh env prints', () => {
    expect(
      parseExports('export KAFKA_BROKERS=127.0.0.1:9092\nexport MONGODB_URI=mongodb://127.0.0.1:27017/\n'),
    ).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      MONGODB_URI: 'mongodb://127.0.0.1:27017/',
    });
    expect(parseExports("export MONGODB_URI='mongodb://h:1/'\nnoise")).toEqual({
      MONGODB_URI: 'mongodb://h:1/',
    });
  });
});

describe('parseStatusPids', () => {
  it('reads the pids of what infra.sh status reports running', () => {
    const status =
      '[kafka] running (pid 21410) on 127.0.0.1:9092\n[ferretdb] running (pid 21374) at mongodb://127.0.0.1:27017/\n';
    expect(parseStatusPids(status)).toEqual({ kafka: 21410, ferretdb: 21374 });
    expect(parseStatusPids('[kafka] stopped\n')).toEqual({});
  });
});
