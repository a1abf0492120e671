import { randomUUID } from 'node:crypto';
import { AppError, fieldProblem, forbidden, validationFailed } from '@hocbaso/errors';
import { schoolCreated } from '@hocbaso/events';
import { isPlatformAdmin } from '../domain/administration';
import { parseSchoolPlace } from '../domain/school-place';
import type { SchoolDocument } from '../model/school.model';
import { actorOf, identityEvent, type Caller, type IdentityDeps } from './deps';

export interface CreateSchoolInput {
  code: string;
  name: string;
  /** Mã tỉnh (2 digits) and mã quận/huyện (3 digits): both or neither. */
  provinceCode?: string | null;
  districtCode?: string | null;
}

/** Registers a school (tenant). Platform administrators only, or the system at bootstrap. */
export async function createSchool(
  deps: IdentityDeps,
  caller: Caller,
  input: CreateSchoolInput,
): Promise<SchoolDocument> {
  if (caller.principal && !isPlatformAdmin(caller.principal)) throw forbidden();
  const code = input.code.trim();
  const name = input.name.normalize('NFC').trim();
  const { place, problems: placeProblems } = parseSchoolPlace(input);
  const problems = [
    ...(/^[A-Za-z0-9_-]{2,32}$/.test(code)
      ? []
      : [
          fieldProblem(
            'code',
            'VALIDATION_FAILED',
            'Mã trường gồm 2-32 chữ cái không dấu, chữ số, gạch dưới hoặc gạch ngang.',
          ),
        ]),
    ...(name.length >= 3 && name.length <= 200
      ? []
      : [fieldProblem('name', 'VALIDATION_FAILED', 'Tên trường cần từ 3 đến 200 ký tự.')]),
    ...placeProblems,
  ];
  if (problems.length) throw validationFailed(problems);
  if (await deps.schools.findByCode(code))
    throw new AppError('CONFLICT', { message: `Mã trường "${code}" đã được đăng ký.` });
  const school = { _id: randomUUID(), code, name, ...place, createdAt: deps.now() };
  await deps.schools.insert(school, [
    identityEvent(schoolCreated, 'schools', school._id, {
      schoolId: school._id,
      code,
      name,
      ...place,
      actor: actorOf(caller),
    }),
  ]);
  deps.changed();
  return { ...school, _outbox: [], _outboxPending: false, _rev: 0 };
}
