import { Class } from './class.resolver';
import { FamilyLink } from './family-link.resolver';
import { Mutation } from './mutation.resolver';
import { Query } from './query.resolver';
import { DateTime } from '@hocbaso/service-kit';
import { DateScalar } from './scalars';
import { Statistics } from './statistics.resolver';
import { Enrolment, Student } from './student.resolver';

export const resolvers = {
  Date: DateScalar,
  DateTime,
  Query,
  Mutation,
  Student,
  Class,
  Enrolment,
  FamilyLink,
  Statistics,
};
