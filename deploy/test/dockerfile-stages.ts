/**
 * deploy/docker/Dockerfile split into its build stages, and the root .dockerignore as Docker
 * applies it (Go path patterns with `**`, later lines win, `!` re-includes).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Copy, DockerfileParser, type Instruction } from 'dockerfile-ast';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const DOCKERFILE_PATH = path.join(REPO_ROOT, 'deploy/docker/Dockerfile');

export interface BuildStage {
  name: string;
  /** What the stage's FROM names: an image, `${NODE_IMAGE}`, or an earlier stage. */
  base: string;
  instructions: Instruction[];
}

export function readDockerfile(): string {
  return readFileSync(DOCKERFILE_PATH, 'utf8');
}

export function parseStages(content: string): { globalArgs: string[]; stages: BuildStage[] } {
  const dockerfile = DockerfileParser.parse(content);
  const stages: BuildStage[] = [];
  const globalArgs: string[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'FROM') {
      const args = instruction.getArguments().map((a) => a.getValue());
      const asIndex = args.findIndex((a) => a.toUpperCase() === 'AS');
      const base = args.filter((a) => !a.startsWith('--'))[0] ?? '';
      stages.push({ name: asIndex >= 0 ? (args[asIndex + 1] ?? '') : '', base, instructions: [] });
    } else if (stages.length === 0) {
      if (keyword === 'ARG') globalArgs.push(instruction.getArgumentsContent() ?? '');
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

export function instructionsOf(stage: BuildStage, keyword: string): Instruction[] {
  return stage.instructions.filter((i) => i.getKeyword() === keyword);
}

/** `ENV A=1 B=2` lines of a stage as a map (the later line wins, as in Docker). */
export function environmentOf(stage: BuildStage): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const instruction of instructionsOf(stage, 'ENV')) {
    for (const argument of instruction.getArguments()) {
      const [name = '', ...value] = argument.getValue().split('=');
      environment[name] = value.join('=');
    }
  }
  return environment;
}

/** An exec-form instruction's JSON array (CMD, HEALTHCHECK ... CMD). */
export function execForm(instruction: Instruction): string[] {
  const text = instruction.getArgumentsContent() ?? '';
  const json = text.slice(text.indexOf('['));
  return JSON.parse(json.replace(/\\\r?\n/g, '')) as string[];
}

/** `COPY [--from=x] src... dest` split into its parts. */
export function copyParts(instruction: Instruction): {
  from?: string;
  sources: string[];
  destination: string;
} {
  const from = instruction instanceof Copy ? (instruction.getFromFlag()?.getValue() ?? undefined) : undefined;
  const paths = instruction
    .getArguments()
    .map((a) => a.getValue())
    .filter((a) => !a.startsWith('--'));
  return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] ?? '' };
}

function patternExpression(pattern: string): RegExp {
  let expression = '';
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index] ?? '';
    if (character === '*' && pattern[index + 1] === '*') {
      // `**/` is any number of folders, none included; a trailing `**` is anything.
      if (pattern[index + 2] === '/') {
        expression += '(?:.*/)?';
        index += 2;
      } else {
        expression += '.*';
        index += 1;
      }
    } else if (character === '*') expression += '[^/]*';
    else if (character === '?') expression += '[^/]';
    else expression += character.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${expression}$`);
}

/** Whether the build context leaves out `file` (relative to the root), or a folder holding it. */
export function dockerIgnores(dockerignore: string, file: string): boolean {
  const rules = dockerignore
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const negated = line.startsWith('!');
      const pattern = path.posix.normalize((negated ? line.slice(1) : line).replace(/^\/+/, ''));
      return { negated, expression: patternExpression(pattern) };
    });
  const parts = path.posix.normalize(file).split('/');
  const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const { negated, expression } of rules) {
    if (candidates.some((candidate) => expression.test(candidate))) ignored = !negated;
  }
  return ignored;
}
