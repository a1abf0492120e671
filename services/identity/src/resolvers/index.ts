import { Account, RoleAssignment, School, TeachingAssignment } from './account.resolver';
import { Mutation } from './mutation.resolver';
import { Query } from './query.resolver';
import { DateTime } from '@hocbaso/service-kit';

export const resolvers = { DateTime, Query, Mutation, Account, RoleAssignment, TeachingAssignment, School };
