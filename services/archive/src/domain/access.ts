import { overseesSchool } from '@hocbaso/service-kit';

/**
 * Who follows a school's sync with the Ministry (R5: who is late, what was refused and why): those
 * who oversee the school (its board, academic staff and admin, and the inspectors whose role
 * reaches it). Teachers, parents and students do not.
 */
export const canFollowSchoolSync = overseesSchool;
