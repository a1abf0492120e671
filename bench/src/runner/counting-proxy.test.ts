import { fetchStages } from './counting-proxy';

const fetch = (name: string, startedAt: number, endedAt: number) => ({ name, startedAt, endedAt });

describe('fetchStages', () => {
  it('puts fetches started together in one stage, and a fetch that waited for an answer in the next', () => {
    // students answers at 5; academics and conduct start after it, together: the plan's Parallel.
    const stages = fetchStages([
      fetch('conduct', 6, 9),
      fetch('students', 0, 5),
      fetch('academics', 5.5, 12),
    ]);
    expect(stages.map((stage) => stage.map((f) => f.name))).toEqual([['students'], ['academics', 'conduct']]);
  });

  it('keeps a chain of dependent fetches in order', () => {
    const stages = fetchStages([fetch('a', 0, 2), fetch('b', 3, 4), fetch('c', 5, 6)]);
    expect(stages.map((stage) => stage.map((f) => f.name))).toEqual([['a'], ['b'], ['c']]);
  });

  it('has no stage without fetches', () => {
    expect(fetchStages([])).toEqual([]);
  });
});
