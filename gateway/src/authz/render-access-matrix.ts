/**
 * `npm run matrix`: writes docs/authorization-matrix.md from access-matrix.json.
 * `npm run matrix:check`: fails when the committed doc is not current.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MATRIX_ROLES, loadAccessMatrix, type Access, type AccessMatrix } from './access-matrix';

export const MATRIX_DOC_PATH = path.resolve(__dirname, '../../../docs/authorization-matrix.md');

const CELL: Record<Access, string> = { ALLOWED: '✓', OWN: 'own', FORBIDDEN: '—' };

/** Query and Mutation first, then the other types alphabetically; fields in the JSON's order. */
function typesInOrder(matrix: AccessMatrix): Map<string, string[]> {
  const byType = new Map<string, string[]>();
  for (const coordinate of matrix.coordinates()) {
    const [typeName = '', fieldName = ''] = coordinate.split('.');
    byType.set(typeName, [...(byType.get(typeName) ?? []), fieldName]);
  }
  const rank = (name: string) => (name === 'Query' ? 0 : name === 'Mutation' ? 1 : 2);
  return new Map([...byType].sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)));
}

const cellText = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** Columns as wide as their widest cell (combining marks take no room), as prettier prints them. */
const widthOf = (text: string) => [...text.normalize('NFC')].filter((c) => !/\p{M}/u.test(c)).length;

/** A markdown table aligned the way the repository's formatter leaves it, so the doc passes format:check. */
function table(header: string[], rows: string[][], centered: (column: number) => boolean): string[] {
  const widths = header.map((title, column) =>
    Math.max(3, widthOf(title), ...rows.map((row) => widthOf(row[column] ?? ''))),
  );
  const pad = (text: string, column: number) => {
    const room = (widths[column] ?? 0) - widthOf(text);
    if (!centered(column)) return text + ' '.repeat(room);
    const left = Math.floor(room / 2);
    return ' '.repeat(left) + text + ' '.repeat(room - left);
  };
  const line = (cells: string[]) => `| ${cells.map(pad).join(' | ')} |`;
  const rule = widths.map((width, column) =>
    centered(column) ? `:${'-'.repeat(width - 2)}:` : '-'.repeat(width),
  );
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}

/** docs/authorization-matrix.md as it must be committed. */
export function renderAccessMatrixDoc(matrix: AccessMatrix = loadAccessMatrix()): string {
  const lines: string[] = [
    '# Authorization matrix',
    '',
    '<!-- Generated from gateway/src/authz/access-matrix.json by `npm run matrix -w @hocbaso/gateway`. Do not edit. -->',
    '',
    'Who may read every field and call every mutation of the composed API (issue 6; mission.md R9, R11).',
    'One table per type, Query and Mutation first; a column per role (`ANONYMOUS` is a caller without a token).',
    '',
    `- **${CELL.ALLOWED}** allowed: the role gets the field on every row it reaches (for a query or mutation: on any row it names).`,
    `- **${CELL.OWN}** allowed on its own scope only: the role gets the field, or may call the mutation, only for the rows of its own scope (below, and in the notes column); elsewhere the row looks absent or the call is refused.`,
    `- **${CELL.FORBIDDEN}** forbidden: never, whatever the row: the gateway removes the field, or the subgraph never returns it to that role.`,
    '',
    '## Own scope per role',
    '',
    ...table(
      ['Role', 'Own scope'],
      MATRIX_ROLES.map((role) => [role, cellText(matrix.ownScopes[role] ?? '')]),
      () => false,
    ),
    '',
    "Every signed-in role also owns its own account (`me`). A role's scope comes from its grant (school, class,",
    'grade, subject, student) and, for teachers, from their teaching assignments.',
    '',
    '## How it is enforced and checked',
    '',
    '- The gateway enforces the field rules before any subgraph is asked: `@authenticated`, `@requiresScopes`',
    '  and `@policy` in each `services/*/src/schema.graphql`, the policies decided in',
    '  `gateway/src/auth/policies.ts` (ADR 0006). Removed fields come back as `null` with a `FORBIDDEN` or',
    '  `UNAUTHENTICATED` error.',
    '- Each subgraph enforces the row rules from the principal the gateway forwards (ADR 0005):',
    '  `services/*/src/domain/access.ts` and the use cases. A row the caller may not read looks absent.',
    '- `gateway/src/authz/access-matrix.test.ts` (no infrastructure) walks the composed schema: it fails on a',
    '  field or mutation without a rule, on a rule for a field that no longer exists, on a cell this table',
    "  allows while the gateway's directives never let that role reach the field, and when this document is",
    '  not current.',
    '- `gateway/test/access-matrix.e2e.test.ts` checks the cells against the running system with real tokens.',
    '',
    'To change a rule, edit `gateway/src/authz/access-matrix.json` (role groups and shared rules keep it',
    'short; this document shows plain roles), then run `npm run matrix -w @hocbaso/gateway`;',
    '`npm run matrix:check -w @hocbaso/gateway` fails when this document is out of date.',
  ];

  for (const [typeName, fieldNames] of typesInOrder(matrix)) {
    lines.push('', `## ${typeName}`, '');
    const rows: string[][] = [];
    // Fields sharing a note are listed together under the table, so the table stays narrow.
    const notes = new Map<string, string[]>();
    for (const fieldName of fieldNames) {
      const coordinate = `${typeName}.${fieldName}`;
      const cells = MATRIX_ROLES.map((role) => CELL[matrix.access(coordinate, role)]);
      rows.push([`\`${fieldName}\``, ...cells]);
      const scope = matrix.scopeOf(coordinate);
      const note = [scope && `own: ${scope}.`, matrix.whyOf(coordinate)].filter(Boolean).join(' ');
      if (note) notes.set(note, [...(notes.get(note) ?? []), fieldName]);
    }
    lines.push(...table(['Field', ...MATRIX_ROLES], rows, (column) => column > 0));
    if (notes.size > 0) lines.push('');
    for (const [note, fields] of notes) {
      lines.push(`- ${fields.map((field) => `\`${field}\``).join(', ')}: ${note.replace(/\s+/g, ' ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function main(): number {
  const doc = renderAccessMatrixDoc();
  if (process.argv.includes('--check')) {
    const current = existsSync(MATRIX_DOC_PATH) ? readFileSync(MATRIX_DOC_PATH, 'utf8') : '';
    if (current !== doc) {
      process.stderr.write(
        'docs/authorization-matrix.md is out of date: run `npm run matrix -w @hocbaso/gateway`.\n',
      );
      return 1;
    }
    process.stdout.write('authorization matrix doc is current\n');
    return 0;
  }
  writeFileSync(MATRIX_DOC_PATH, doc);
  process.stdout.write(`wrote ${MATRIX_DOC_PATH}\n`);
  return 0;
}

if (require.main === module) process.exitCode = main();
