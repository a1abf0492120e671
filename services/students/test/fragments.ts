/** The whole record, as the school's staff see it. */
export const FULL_STUDENT = `
  fragment FullStudent on Student {
    id fullName gender status
    personalId dateOfBirth placeOfBirth ethnicity policyCategory address
    guardians { relationship fullName occupation phone }
    school { id }
    currentClass { id name grade schoolYear }
    enrolments { schoolYear grade className kind enrolledOn leftOn school { id } class { id name } }
    statusHistory { status previousStatus reason effectiveOn }
  }`;

export const READ_STUDENT = `query($id: ID!) { student(id: $id) { ...FullStudent } } ${FULL_STUDENT}`;

export const ADMIT = `mutation($input: AdmitStudentInput!) { admitStudent(input: $input) { ...FullStudent } } ${FULL_STUDENT}`;

export const CHANGE_CLASS = `mutation($input: ChangeStudentClassInput!) {
  changeStudentClass(input: $input) { ...FullStudent } } ${FULL_STUDENT}`;

export const TRANSFER_IN = `mutation($input: TransferStudentInInput!) {
  transferStudentIn(input: $input) { ...FullStudent } } ${FULL_STUDENT}`;

export const TRANSFER_OUT = `mutation($input: TransferStudentOutInput!) {
  transferStudentOut(input: $input) { ...FullStudent } } ${FULL_STUDENT}`;

export const SET_STATUS = `mutation($input: SetStudentStatusInput!) {
  setStudentStatus(input: $input) { ...FullStudent } } ${FULL_STUDENT}`;

export const NEW_SCHOOL_YEAR = `mutation($input: EnrolStudentInNewSchoolYearInput!) {
  enrolStudentInNewSchoolYear(input: $input) { ...FullStudent } } ${FULL_STUDENT}`;

export const UPDATE_PERSONAL = `mutation($input: UpdateStudentPersonalDataInput!) {
  updateStudentPersonalData(input: $input) { ...FullStudent } } ${FULL_STUDENT}`;

export const CREATE_CLASS = `mutation($input: CreateClassInput!) {
  createClass(input: $input) { id name grade schoolYear school { id } homeroomTeacher { id } } }`;

export const SET_HOMEROOM = `mutation($input: SetClassHomeroomTeacherInput!) {
  setClassHomeroomTeacher(input: $input) { id homeroomTeacher { id } } }`;
