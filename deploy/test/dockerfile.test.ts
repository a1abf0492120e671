/**
 * deploy/docker/Dockerfile: one valid multi-stage build for every deployable, whose runtime image
 * runs the workspace's compiled entry point as a non-root user with a working healthcheck, and
 * whose build finds in the context (/.dockerignore) every file it copies.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { DEFAULT_MANIFEST_PATH } from '../../gateway/src/abuse/operations-manifest';
import { SUPERGRAPH_PATH } from '../../gateway/src/compose/subgraphs';
import { DEPLOYABLES, type Deployable } from './deployables';
import {
  REPO_ROOT,
  copyParts,
  dockerIgnores,
  environmentOf,
  execForm,
  instructionsOf,
  parseStages,
  readDockerfile,
  type BuildStage,
} from './dockerfile-stages';
import { exitCodeOf, startProbeTarget, unusedPort } from './health-probe';

const content = readDockerfile();
const { globalArgs, stages } = parseStages(content);
const dockerignore = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8');
const runtime = stages[stages.length - 1] as BuildStage;

interface PackageJson {
  name?: string;
  main?: string;
  workspaces?: string[];
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}
const readPackage = (workspace: string): PackageJson =>
  JSON.parse(readFileSync(path.join(REPO_ROOT, workspace, 'package.json'), 'utf8')) as PackageJson;

/** Workspace folders by package name, from the root package.json's workspace patterns. */
function workspacesByName(): Map<string, string> {
  const byName = new Map<string, string>();
  for (const pattern of readPackage('.').workspaces ?? []) {
    const parent = pattern.slice(0, -2);
    const folders = pattern.endsWith('/*')
      ? readdirSync(path.join(REPO_ROOT, parent)).map((entry) => `${parent}/${entry}`)
      : [pattern];
    for (const folder of folders) {
      if (existsSync(path.join(REPO_ROOT, folder, 'package.json')))
        byName.set(readPackage(folder).name ?? '', folder);
    }
  }
  return byName;
}

/** The workspace and every workspace it needs at run time (production dependencies, transitively). */
function runtimeWorkspaces(workspace: string, byName = workspacesByName()): string[] {
  const found = new Set<string>([workspace]);
  const visit = (folder: string) => {
    for (const dependency of Object.keys(readPackage(folder).dependencies ?? {})) {
      const dependencyFolder = byName.get(dependency);
      if (dependencyFolder && !found.has(dependencyFolder)) {
        found.add(dependencyFolder);
        visit(dependencyFolder);
      }
    }
  };
  visit(workspace);
  return [...found];
}

const stage = (name: string) => stages.find((s) => s.name === name);
const commandsOf = (s: BuildStage) => instructionsOf(s, 'RUN').map((i) => i.getArgumentsContent() ?? '');

describe('the Dockerfile', () => {
  test('has no problem dockerfile-utils can find', () => {
    expect(validate(content)).toEqual([]);
  });

  test.each([
    ['an unknown instruction', 'RUNN echo'],
    ['a healthcheck interval that is not a duration', 'HEALTHCHECK --interval=soon CMD ["true"]'],
    ['a port that is not a port', 'EXPOSE abc'],
  ])('the validation rejects a copy with %s', (_, line) => {
    expect(validate(`${content}\n${line}\n`).length).toBeGreaterThan(0);
  });

  test('is multi-stage: install, build, production dependencies and the runtime', () => {
    const names = stages.map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['install', 'build', 'production-dependencies', 'runtime']));
    expect(new Set(names).size).toBe(names.length);
    expect(runtime.name).toBe('runtime');
  });

  test('takes SERVICE as a build argument', () => {
    expect(globalArgs.map((arg) => arg.split('=')[0])).toContain('SERVICE');
    for (const name of ['build', 'production-dependencies']) {
      const args = instructionsOf(stage(name) as BuildStage, 'ARG').map((i) => i.getArgumentsContent());
      expect([name, args]).toEqual([name, expect.arrayContaining(['SERVICE'])]);
    }
  });

  test('every image it starts from is a Node 20 slim image pinned by its full version, or an earlier stage', () => {
    const nodeImage = globalArgs.find((arg) => arg.startsWith('NODE_IMAGE='))?.slice('NODE_IMAGE='.length);
    expect(nodeImage).toMatch(/^node:20\.\d+\.\d+-[a-z]+-slim(@sha256:[0-9a-f]{64})?$/);
    stages.forEach((s, index) => {
      const earlier = stages.slice(0, index).map((e) => e.name);
      const fromStage = earlier.includes(s.base) || /^deployable-\$\{SERVICE\}$/.test(s.base);
      expect([s.name, fromStage || s.base === '${NODE_IMAGE}']).toEqual([s.name, true]);
    });
  });
});

describe('installing and building', () => {
  const install = stage('install') as BuildStage;
  const build = stage('build') as BuildStage;
  const production = stage('production-dependencies') as BuildStage;

  test('install and production dependencies come from the lockfile (npm ci), never `npm install`', () => {
    const manifests = commandsOf(stage('manifests') as BuildStage).join('\n');
    expect(manifests).toContain('package-lock.json');
    expect(commandsOf(install).some((c) => /\bnpm ci\b/.test(c))).toBe(true);
    const productionInstall = commandsOf(production).find((c) => /\bnpm ci\b/.test(c)) ?? '';
    expect(productionInstall).toMatch(/--omit=dev/);
    expect(productionInstall).toContain('--workspace="@hocbaso/${SERVICE}"');
    for (const s of stages) expect(commandsOf(s).join('\n')).not.toMatch(/\bnpm (install|i)\b/);
  });

  test('the build compiles the deployable and its dependencies with turbo', () => {
    expect(build.base).toBe('install');
    expect(commandsOf(build).join('\n')).toMatch(
      /turbo run build --filter="?@hocbaso\/\$\{SERVICE\}\.\.\."?/,
    );
  });

  test('the runtime takes its dependencies from the production stage and its code from the build', () => {
    const sources = instructionsOf(runtime, 'COPY').map((i) => copyParts(i).from);
    expect(sources.sort()).toEqual(['build', 'production-dependencies']);
  });
});

describe.each(DEPLOYABLES.map((d) => [d.name, d] as const))(
  'the %s image',
  (name, deployable: Deployable) => {
    const own = stage(`deployable-${name}`);
    const packageJson = readPackage(deployable.workspace);

    test('has its own stage, selected by SERVICE', () => {
      expect(own).toBeDefined();
      expect(runtime.base).toBe('deployable-${SERVICE}');
    });

    test('builds a workspace that exists, named as the turbo filter and npm --workspace expect', () => {
      expect(packageJson.name).toBe(`@hocbaso/${name}`);
      expect(packageJson.scripts?.build).toBeTruthy();
      expect(existsSync(path.join(REPO_ROOT, deployable.workspace, 'src/index.ts'))).toBe(true);
      expect(packageJson.main).toBe('dist/index.js');
      expect([...workspacesByName().values()]).toContain(deployable.workspace);
    });

    test('runs <workspace>/dist/index.js, compiled from src/index.ts', () => {
      expect(environmentOf(own as BuildStage).HOCBASO_WORKSPACE).toBe(deployable.workspace);
      const workdirs = instructionsOf(runtime, 'WORKDIR').map((i) => i.getArgumentsContent());
      expect(workdirs[workdirs.length - 1]).toBe('/app/${HOCBASO_WORKSPACE}');
      const cmds = instructionsOf(runtime, 'CMD');
      expect(cmds).toHaveLength(1);
      expect(execForm(cmds[0] as Instruction)).toEqual(['node', 'dist/index.js']);
      const outDir = /"outDir":\s*"([^"]+)"/.exec(
        readFileSync(path.join(REPO_ROOT, deployable.workspace, 'tsconfig.build.json'), 'utf8'),
      )?.[1];
      expect(outDir).toBe('dist');
    });

    test('listens on every interface of the container, on the port it exposes', () => {
      const environment = environmentOf(own as BuildStage);
      expect(environment[deployable.hostVariable]).toBe('0.0.0.0');
      expect(environment[deployable.portVariable]).toBe(String(deployable.port));
      expect(environment.HOCBASO_PORT_VARIABLE).toBe(deployable.portVariable);
      const exposed = instructionsOf(own as BuildStage, 'EXPOSE').map((i) => i.getArgumentsContent());
      expect(exposed).toEqual([String(deployable.port)]);
    });

    test('every workspace it runs is compiled by its build, with the files that build copies into dist', () => {
      for (const workspace of runtimeWorkspaces(deployable.workspace)) {
        const scripts = readPackage(workspace).scripts ?? {};
        expect([workspace, Boolean(scripts.build)]).toEqual([workspace, true]);
        expect(existsSync(path.join(REPO_ROOT, workspace, 'src/index.ts'))).toBe(true);
        // The build stage collects every dist; .dockerignore keeps stale ones out of the context.
        expect(dockerIgnores(dockerignore, `${workspace}/dist/index.js`)).toBe(true);
        for (const [, source] of (scripts.build ?? '').matchAll(/\bcp (?:-\S+ )*(\S+) dist\b/g)) {
          expect(existsSync(path.join(REPO_ROOT, workspace, source ?? ''))).toBe(true);
          expect(dockerIgnores(dockerignore, `${workspace}/${source}`)).toBe(false);
        }
      }
    });
  },
);

describe('the runtime stage', () => {
  test('runs as a non-root user', () => {
    const users = instructionsOf(runtime, 'USER').map((i) => i.getArgumentsContent() ?? '');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^(root|0)(:|$)/);
  });

  test('runs in production mode', () => {
    expect(environmentOf(runtime).NODE_ENV).toBe('production');
  });

  test('checks its health on /healthz with node (a slim image has no curl)', async () => {
    const healthchecks = instructionsOf(runtime, 'HEALTHCHECK');
    expect(healthchecks).toHaveLength(1);
    const command = execForm(healthchecks[0] as Instruction);
    expect(command[0]).toBe('node');
    const healthy = await startProbeTarget(200);
    const unhealthy = await startProbeTarget(500);
    const environment = (port: number) => ({
      HOCBASO_PORT_VARIABLE: 'STUDENTS_PORT',
      STUDENTS_PORT: String(port),
    });
    try {
      expect(await exitCodeOf(command, environment(healthy.port))).toBe(0);
      expect(healthy.requests).toEqual(['/healthz']);
      expect(await exitCodeOf(command, environment(unhealthy.port))).not.toBe(0);
      expect(await exitCodeOf(command, environment(await unusedPort()))).not.toBe(0);
    } finally {
      await Promise.all([healthy.close(), unhealthy.close()]);
    }
  });
});

describe('files copied from the build context', () => {
  const fromContext = stages.flatMap((s) =>
    instructionsOf(s, 'COPY')
      .map(copyParts)
      .filter((copy) => copy.from === undefined)
      .map((copy) => ({ stage: s.name, ...copy })),
  );

  test('exist in the repository and are not left out by .dockerignore', () => {
    expect(fromContext.length).toBeGreaterThan(0);
    for (const { sources } of fromContext) {
      for (const source of sources) {
        expect([source, existsSync(path.join(REPO_ROOT, source))]).toEqual([source, true]);
        if (source !== '.') expect([source, dockerIgnores(dockerignore, source)]).toEqual([source, false]);
      }
    }
  });

  test('the gateway gets the supergraph and the persisted operations where it reads them', () => {
    const gateway = fromContext.filter((copy) => copy.stage === 'deployable-gateway');
    const landsAt = (source: string) => {
      const copy = gateway.find((c) => c.sources.includes(source));
      if (!copy) return undefined;
      return copy.destination.endsWith('/')
        ? path.posix.join(copy.destination, path.posix.basename(source))
        : copy.destination;
    };
    for (const file of [SUPERGRAPH_PATH, DEFAULT_MANIFEST_PATH]) {
      const relative = path.relative(REPO_ROOT, file).split(path.sep).join('/');
      expect(landsAt(relative)).toBe(`/app/${relative}`);
    }
  });
});

describe('.dockerignore', () => {
  test.each([
    'node_modules/jest/package.json',
    'services/students/node_modules/x/index.js',
    'services/students/dist/index.js',
    '.local/secrets.env',
    '.local/keystore/school.key.pem',
    'scripts/pki/out/teacher.key.pem',
    '.turbo/cache/x',
    'packages/errors/coverage/lcov.info',
    '.env',
    'deploy/compose/.env',
    '.git/HEAD',
  ])('leaves out %s', (file) => {
    expect(dockerIgnores(dockerignore, file)).toBe(true);
  });

  test.each([
    'package.json',
    'package-lock.json',
    'turbo.json',
    'tsconfig.base.json',
    'services/students/package.json',
    'services/students/src/index.ts',
    'services/students/src/schema.graphql',
    'packages/statistics/src/statistics.graphql',
    'gateway/supergraph.graphql',
    'gateway/operations/manifest.json',
    'bench/package.json',
    'deploy/package.json',
  ])('keeps %s', (file) => {
    expect(dockerIgnores(dockerignore, file)).toBe(false);
  });
});
