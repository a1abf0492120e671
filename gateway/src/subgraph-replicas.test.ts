import { fetchFromReplicas, SubgraphReplicas } from './subgraph-replicas';

const A = 'http://a:4002/graphql';
const B = 'http://b:4002/graphql';
const C = 'http://c:4002/graphql';

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
}

describe('SubgraphReplicas', () => {
  it('takes turns between the replicas', () => {
    const replicas = new SubgraphReplicas([A, B, C]);
    expect([1, 2, 3, 4].map(() => replicas.order()[0])).toEqual([A, B, C, A]);
  });

  it('passes over a replica that refused a connection until it has rested', () => {
    let now = 0;
    const replicas = new SubgraphReplicas([A, B], 5_000, () => now);
    replicas.refused(A);
    expect(replicas.order()).toEqual([B, A]);
    expect(replicas.order()).toEqual([B, A]);
    now = 5_000;
    expect(replicas.order()[0]).toBe(A);
  });
});

describe('fetchFromReplicas', () => {
  it('spreads calls over the replicas, whatever URL the gateway gives', async () => {
    const called: string[] = [];
    const fetch = fetchFromReplicas(
      async (url: string) => {
        called.push(url);
        return url;
      },
      new SubgraphReplicas([A, B]),
    );
    for (let i = 0; i < 4; i++) await fetch(A);
    expect(called).toEqual([A, B, A, B]);
  });

  it('sends a call whose connection was refused to the next replica', async () => {
    const fetch = fetchFromReplicas(
      async (url: string) => {
        if (url === A) throw refused();
        return `answered by ${url}`;
      },
      new SubgraphReplicas([A, B]),
    );
    expect(await fetch(A)).toBe(`answered by ${B}`);
    expect(await fetch(A)).toBe(`answered by ${B}`);
  });

  it('does not send again a call that failed after it was sent (the replica may have acted on it)', async () => {
    const called: string[] = [];
    const fetch = fetchFromReplicas(
      async (url: string) => {
        called.push(url);
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
      new SubgraphReplicas([A, B]),
    );
    await expect(fetch(A)).rejects.toThrow('socket hang up');
    expect(called).toEqual([A]);
  });

  it('fails with the last refusal when every replica refuses', async () => {
    const fetch = fetchFromReplicas(
      async () => {
        throw refused();
      },
      new SubgraphReplicas([A, B]),
    );
    await expect(fetch(A)).rejects.toThrow('ECONNREFUSED');
  });
});
