import { Class } from './class.resolver';
import { Mutation } from './mutation.resolver';
import { Query } from './query.resolver';
import { DateScalar, DateTime } from './scalars';
import { Enrolment, Student } from './student.resolver';

export const resolvers = { Date: DateScalar, DateTime, Query, Mutation, Student, Class, Enrolment };
