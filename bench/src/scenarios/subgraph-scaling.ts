/**
 * Independent scaling (issue 8): a query bound by one subgraph (the class roster: students owns
 * the class and its students) through our gateway, with that subgraph as one process and as two,
 * every other subgraph staying at one. The gateway takes turns between the replicas it is given.
 * Both students processes share the database and the consumer groups: Kafka splits each group's
 * partitions between them, which the scenario checks from the groups' assignments.
 */
import { AssignerProtocol, Kafka, logLevel } from 'kafkajs';
import { SCHOOL_YEAR } from '../data/school';
import { busiest, measureInterleaved, type Measured, type Variant } from '../runner/measure';
import { atLeast, ratio, type TargetCheck } from '../runner/targets';
import { formatNumber, formatTable, type Cell } from '../runner/table';
import { SERVICES } from '../platform/stack';
import { rotatingSender, type BenchContext, type ScenarioResult } from './context';
import { persistedOperation, type BenchQuery } from './queries';

/** Two replicas must serve at least this much more than one to count as growth beyond noise. */
export const SCALING_TARGET = 1.3;

interface GroupShare {
  group: string;
  members: number;
  /** Partitions per member, e.g. [2, 1]. */
  partitionsPerMember: number[];
  /** Partitions assigned to more than one member (must be none). */
  assignedTwice: number;
}

export async function measureSubgraphScaling(context: BenchContext): Promise<ScenarioResult> {
  const { stack, client, options } = context;
  const failures: string[] = [];
  const roster: BenchQuery = {
    id: 'class-roster',
    label: 'class roster (students subgraph only)',
    body: persistedOperation('ClassRoster'),
    variables: { classId: context.school.classes[0]!.id },
    rotation: context.school.classes.map((c) => ({ classId: c.id })),
    students: 0,
  };

  context.log('subgraph scaling: starting a second students process and a gateway that uses both');
  const replica = await stack.startStudentsReplica('students-2');
  const twoReplicasGateway = await stack.startGateway(
    'gateway-2-students',
    ['gateway/dist/index.js'],
    stack.ourGatewayEnv(
      { ...stack.subgraphUrls, students: `${stack.subgraphUrls.students},${replica.url}` },
      stack.identityBaseUrl,
    ),
    'GATEWAY_PORT',
  );
  let measured: Record<string, Measured> = {};
  let shares: GroupShare[] = [];
  try {
    const bearer = { authorization: `Bearer ${await context.readerToken()}` };
    for (const [name, url] of [
      ['one', context.gatewayUrl],
      ['two', twoReplicasGateway.url],
    ] as const) {
      const answer = await client.send(client.prepare(url, roster.body, roster.variables, bearer));
      const problem = rosterProblem(answer.body);
      if (problem) failures.push(`class roster with ${name} students replica(s): ${problem}`);
    }
    const variants: Variant[] = [
      { name: 'one', send: rotatingSender(client, context.gatewayUrl, roster, bearer) },
      { name: 'two', send: rotatingSender(client, twoReplicasGateway.url, roster, bearer) },
    ];
    context.log(
      `subgraph scaling: class roster at ${options.comparisonConcurrency} clients, 1 vs 2 students`,
    );
    measured = await measureInterleaved(variants, options.comparisonConcurrency, options, context.watcher);
    for (const [name, m] of Object.entries(measured)) {
      if (m.failures > 0) failures.push(`${name} replica(s): ${m.failures} failed (${m.firstFailure ?? ''})`);
    }
    shares = await studentsGroupShares(stack.infra.kafkaBrokers, stack.group('students-'));
    for (const share of shares) {
      if (share.members !== 2 || share.assignedTwice > 0 || share.partitionsPerMember.some((n) => n === 0))
        failures.push(
          `consumer group ${share.group}: ${share.members} members, partitions ${share.partitionsPerMember.join('+')}, ${share.assignedTwice} assigned twice`,
        );
    }
  } finally {
    await stack.processes.stop(twoReplicasGateway.process);
    await stack.processes.stop(replica.process);
  }

  const replicas = (students: number) =>
    SERVICES.map((s) => `${s} ${s === 'students' ? students : 1}`).join(', ');
  const rows: Cell[][] = (['one', 'two'] as const)
    .filter((name) => measured[name])
    .map((name) => {
      const m = measured[name]!;
      const studentsCores = (m.cores.students ?? 0) + (m.cores['students-2'] ?? 0);
      return [
        name === 'one' ? replicas(1) : replicas(2),
        m.requestsPerSecond,
        m.p50Ms,
        m.p95Ms,
        formatNumber(studentsCores, 2),
        m.failures,
        busiest(m.cores),
      ];
    });
  const growth = ratio(
    measured.two?.requestsPerSecond ?? Number.NaN,
    measured.one?.requestsPerSecond ?? Number.NaN,
  );
  const verdict = atLeast(growth, SCALING_TARGET);
  const targets: TargetCheck[] = [
    {
      id: 'subgraph-scaling',
      target: `class roster throughput with 2 students replicas ≥ ${SCALING_TARGET}× with 1 (others at 1)`,
      measured: `${formatNumber(growth, 2)}×`,
      verdict,
      ...(verdict === 'MISSED' && measured.two
        ? { note: `with two, busiest: ${busiest(measured.two.cores, 4)}` }
        : {}),
    },
  ];
  const tables = [
    formatTable(
      `Scaling one subgraph: the class roster (${SCHOOL_YEAR} classes in turn) at ${options.comparisonConcurrency} clients through our gateway`,
      ['processes per subgraph', 'req/s', 'p50 ms', 'p95 ms', 'students cores', 'failed', 'busiest (cores)'],
      rows,
    ),
    formatTable(
      "The students consumer groups with two processes: Kafka's assignment",
      ['group', 'members', 'partitions per member', 'assigned twice'],
      shares.map((s) => [s.group, s.members, s.partitionsPerMember.join(' + '), s.assignedTwice]),
    ),
  ];
  return {
    name: 'subgraph-scaling',
    tables,
    targets,
    figures: { measured, consumerGroups: shares, growth },
    failures,
  };
}

function rosterProblem(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as {
      data?: { class?: { students?: unknown[] } | null };
      errors?: unknown[];
    };
    if (parsed.errors) return `errors: ${JSON.stringify(parsed.errors).slice(0, 300)}`;
    if (!parsed.data?.class?.students?.length) return 'no students in the answer';
    return null;
  } catch {
    return `not JSON: ${body.slice(0, 200)}`;
  }
}

/** How each of the run's students consumer groups has its partitions spread over its members. */
async function studentsGroupShares(brokers: string, prefix: string): Promise<GroupShare[]> {
  const admin = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const names = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((id) => id.startsWith(prefix));
    const { groups } = await admin.describeGroups(names);
    return groups.map((group) => {
      const assigned = new Map<string, number>();
      const perMember = group.members.map((member) => {
        const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        let count = 0;
        for (const [topic, partitions] of Object.entries(decoded?.assignment ?? {})) {
          for (const partition of partitions) {
            const key = `${topic}/${partition}`;
            assigned.set(key, (assigned.get(key) ?? 0) + 1);
            count++;
          }
        }
        return count;
      });
      return {
        group: group.groupId,
        members: group.members.length,
        partitionsPerMember: perMember,
        assignedTwice: [...assigned.values()].filter((n) => n > 1).length,
      };
    });
  } finally {
    await admin.disconnect();
  }
}
