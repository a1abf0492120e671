import { busiest } from './measure';

describe('busiest', () => {
  it('names the busiest processes, after how busy the whole machine was', () => {
    const cores = { machine: 1.9, gateway: 0.4, ferretdb: 0.9, students: 0.1, 'other processes': 0.5 };
    expect(busiest(cores, 3, 2)).toBe('machine 1.90/2; ferretdb 0.90, other processes 0.50, gateway 0.40');
  });

  it('leaves the machine out when it has no figure for it', () => {
    expect(busiest({ gateway: 0.25 }, 3, 2)).toBe('gateway 0.25');
  });
});
