import { admitStudent, type AdmitStudentInput } from '../usecases/admit-student';
import { changeStudentClass, type ChangeStudentClassInput } from '../usecases/change-student-class';
import {
  enrolStudentInNewSchoolYear,
  type EnrolStudentInNewSchoolYearInput,
} from '../usecases/enrol-new-school-year';
import {
  issueFamilyLinkCode,
  redeemFamilyLinkCode,
  revokeFamilyLink,
  type IssueFamilyLinkCodeInput,
} from '../usecases/family-links';
import { createClass, setClassHomeroomTeacher, type CreateClassInput } from '../usecases/manage-classes';
import { setStudentStatus, type SetStudentStatusInput } from '../usecases/set-student-status';
import {
  transferStudentIn,
  transferStudentOut,
  type TransferStudentInInput,
  type TransferStudentOutInput,
} from '../usecases/transfer-student';
import {
  updateStudentPersonalData,
  type UpdateStudentPersonalDataInput,
} from '../usecases/update-student-personal-data';
import { callerOf, requirePrincipal, type StudentsContext } from './context';

type Args<T> = { input: T };

/** Each mutation: the caller must be signed in; the use case decides the rest. */
function mutation<T, R>(run: (context: StudentsContext, input: T) => Promise<R>) {
  return (_: unknown, { input }: Args<T>, context: StudentsContext) => {
    requirePrincipal(context);
    return run(context, input);
  };
}

export const Mutation = {
  createClass: mutation((c, input: CreateClassInput) => createClass(c.deps, callerOf(c), input)),
  setClassHomeroomTeacher: mutation((c, input: { classId: string; homeroomTeacherId?: string | null }) =>
    setClassHomeroomTeacher(c.deps, callerOf(c), input),
  ),
  admitStudent: mutation((c, input: AdmitStudentInput) => admitStudent(c.deps, callerOf(c), input)),
  changeStudentClass: mutation((c, input: ChangeStudentClassInput) =>
    changeStudentClass(c.deps, callerOf(c), input),
  ),
  transferStudentIn: mutation((c, input: TransferStudentInInput) =>
    transferStudentIn(c.deps, callerOf(c), input),
  ),
  transferStudentOut: mutation((c, input: TransferStudentOutInput) =>
    transferStudentOut(c.deps, callerOf(c), input),
  ),
  setStudentStatus: mutation((c, input: SetStudentStatusInput) =>
    setStudentStatus(c.deps, callerOf(c), input),
  ),
  enrolStudentInNewSchoolYear: mutation((c, input: EnrolStudentInNewSchoolYearInput) =>
    enrolStudentInNewSchoolYear(c.deps, callerOf(c), input),
  ),
  updateStudentPersonalData: mutation((c, input: UpdateStudentPersonalDataInput) =>
    updateStudentPersonalData(c.deps, callerOf(c), input),
  ),
  issueFamilyLinkCode: (_: unknown, args: IssueFamilyLinkCodeInput, context: StudentsContext) => {
    requirePrincipal(context);
    return issueFamilyLinkCode(context.deps, callerOf(context), args);
  },
  redeemFamilyLinkCode: (_: unknown, args: { code: string }, context: StudentsContext) => {
    requirePrincipal(context);
    return redeemFamilyLinkCode(context.deps, callerOf(context), args.code);
  },
  revokeFamilyLink: (_: unknown, args: { linkId: string }, context: StudentsContext) => {
    requirePrincipal(context);
    return revokeFamilyLink(context.deps, callerOf(context), args.linkId);
  },
};
