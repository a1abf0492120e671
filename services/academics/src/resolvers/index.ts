import { Class } from './class.resolver';
import { Gradebook, GradebookLine } from './gradebook.resolver';
import { Mutation } from './mutation.resolver';
import { Query } from './query.resolver';
import { DateTime } from '@hocbaso/service-kit';
import { Statistics } from './statistics.resolver';
import { Student } from './student.resolver';
import { LearningResult, Reassessment, SubjectResult } from './subject-result.resolver';
import { Subject } from './subject.resolver';
import { TermMarks } from './term-marks.resolver';

export const resolvers = {
  DateTime,
  Query,
  Mutation,
  Student,
  Class,
  Subject,
  SubjectResult,
  LearningResult,
  Reassessment,
  TermMarks,
  Gradebook,
  GradebookLine,
  Statistics,
};
