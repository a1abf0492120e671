import { coresBetween, parseCpuTicks, parseMachineBusyTicks, parseVmRssMiB } from './proc-stats';

describe('/proc parsing', () => {
  it('reads VmRSS in MiB from /proc/<pid>/status', () => {
    const status = 'Name:\tnode\nVmPeak:\t 1000000 kB\nVmRSS:\t  153600 kB\nThreads:\t11\n';
    expect(parseVmRssMiB(status)).toBe(150);
    expect(parseVmRssMiB('Name:\tzombie\n')).toBeNaN();
  });

  it('reads utime + stime from /proc/<pid>/stat, whatever the command name holds', () => {
    // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = '1234 (node (worker) x) S 1 1234 1234 0 -1 4194560 500 0 0 0 250 30 0 0 20 0 11 0';
    expect(parseCpuTicks(stat)).toBe(280);
  });

  it('reads the busy ticks of all cores from /proc/stat (idle and iowait left out)', () => {
    const stat = 'cpu  300 10 50 9000 40 5 3 2 0 0\ncpu0 150 5 25 4500 20 2 1 1 0 0\n';
    expect(parseMachineBusyTicks(stat)).toBe(300 + 10 + 50 + 5 + 3 + 2);
  });

  it('counts the machine CPU no watched process used as other processes', () => {
    const cores = coresBetween({ gateway: 0, machine: 0 }, { gateway: 1, machine: 3 }, 2_000);
    expect(cores).toEqual({ gateway: 0.5, machine: 1.5, 'other processes': 1 });
  });

  it('turns two CPU readings into cores used over the time between them', () => {
    expect(coresBetween({ gateway: 10, students: 4 }, { gateway: 12, students: 4.5 }, 2_000)).toEqual({
      gateway: 1,
      students: 0.25,
    });
  });
});
