import { randomUUID } from 'node:crypto';
import { AppError, fieldProblem, forbidden, validationFailed } from '@hocbaso/errors';
import { schoolCreated } from '@hocbaso/events';
import { isPlatformAdmin } from '../domain/administration';
import type { SchoolDocument } from '../model/school.model';
import { actorOf, identityEvent, type Caller, type IdentityDeps } from './deps';

export interface CreateSchoolInput {
  code: string;
  name: string;
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
  ];
  if (problems.length) throw validationFailed(problems);
  if (await deps.schools.findByCode(code))
    throw new AppError('CONFLICT', { message: `Mã trường "${code}" đã được đăng ký.` });
  const school = { _id: randomUUID(), code, name, createdAt: deps.now() };
  await deps.schools.insert(school, [
    identityEvent(schoolCreated, 'schools', school._id, {
      schoolId: school._id,
      code,
      name,
      actor: actorOf(caller),
    }),
  ]);
  deps.changed();
  return { ...school, _outbox: [], _outboxPending: false, _rev: 0 };
}
