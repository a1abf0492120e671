import { ERROR_CATALOGUE } from '@hocbaso/errors';
import type { SubgraphServerOptions } from '@hocbaso/service-kit';
import { logPersonalDataRead, type PersonalDataRead } from '../usecases/log-personal-data-read';
import { callerOf, type StudentsContext } from './context';

/** The personal fields one request has read (noted by the field resolvers), for one log entry. */
export class PersonalReadCollector {
  private readonly studentIds = new Set<string>();
  private readonly fields = new Set<string>();

  note(studentId: string, field: string): void {
    this.studentIds.add(studentId);
    this.fields.add(field);
  }

  get empty(): boolean {
    return this.studentIds.size === 0;
  }

  read(): PersonalDataRead {
    return { studentIds: [...this.studentIds], fields: [...this.fields] };
  }
}

type StudentsPlugin = NonNullable<SubgraphServerOptions<StudentsContext>['plugins']>[number];

/**
 * Logs what the request read of personal data, once per request, before the answer leaves. An
 * answer whose read could not be logged is withheld (R11: no unlogged staff read of personal data).
 */
export const personalReadLogPlugin: StudentsPlugin = {
  requestDidStart: async () => ({
    willSendResponse: async ({ contextValue, response }) => {
      const reads = contextValue.personalReads;
      if (reads.empty) return;
      try {
        await logPersonalDataRead(contextValue.deps, callerOf(contextValue), reads.read());
      } catch (error) {
        contextValue.logger.error(
          { err: (error as Error).message },
          'personal-data read could not be logged; answer withheld',
        );
        if (response.body.kind === 'single') {
          response.body.singleResult = {
            errors: [{ message: ERROR_CATALOGUE.INTERNAL.vi, extensions: { code: 'INTERNAL' } }],
          };
        }
      }
    },
  }),
};
