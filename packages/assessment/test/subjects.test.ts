import { isSubjectCode, regularAssessmentCount, subjectByCode, SUBJECT_CODES, SUBJECTS } from '../src';

describe('subject catalogue', () => {
  it('has 19 subjects with unique SCREAMING_SNAKE codes', () => {
    expect(SUBJECTS).toHaveLength(19);
    expect(new Set(SUBJECTS.map((s) => s.code)).size).toBe(19);
    expect(SUBJECTS.map((s) => s.code)).toEqual([...SUBJECT_CODES]);
    for (const s of SUBJECTS) expect(s.code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it('assesses exactly these five by comment only', () => {
    expect(
      SUBJECTS.filter((s) => s.kind === 'COMMENT')
        .map((s) => s.code)
        .sort(),
    ).toEqual(['AM_NHAC', 'GD_DIA_PHUONG', 'GD_THE_CHAT', 'HD_TRAI_NGHIEM_HUONG_NGHIEP', 'MI_THUAT']);
  });

  it.each([
    ['NGU_VAN', 'Ngữ văn', 'SCORE', 105, 'COMPULSORY', 4],
    ['TOAN', 'Toán', 'SCORE', 105, 'COMPULSORY', 4],
    ['NGOAI_NGU_1', 'Ngoại ngữ 1', 'SCORE', 105, 'COMPULSORY', 4],
    ['LICH_SU', 'Lịch sử', 'SCORE', 52, 'COMPULSORY', 3],
    ['GDQP_AN', 'Giáo dục quốc phòng và an ninh', 'SCORE', 35, 'COMPULSORY', 2],
    ['DIA_LI', 'Địa lí', 'SCORE', 70, 'ELECTIVE', 3],
    ['GD_KINH_TE_PHAP_LUAT', 'Giáo dục kinh tế và pháp luật', 'SCORE', 70, 'ELECTIVE', 3],
    ['VAT_LI', 'Vật lí', 'SCORE', 70, 'ELECTIVE', 3],
    ['HOA_HOC', 'Hoá học', 'SCORE', 70, 'ELECTIVE', 3],
    ['SINH_HOC', 'Sinh học', 'SCORE', 70, 'ELECTIVE', 3],
    ['CONG_NGHE', 'Công nghệ', 'SCORE', 70, 'ELECTIVE', 3],
    ['TIN_HOC', 'Tin học', 'SCORE', 70, 'ELECTIVE', 3],
    ['AM_NHAC', 'Âm nhạc', 'COMMENT', 70, 'ELECTIVE', 2],
    ['MI_THUAT', 'Mĩ thuật', 'COMMENT', 70, 'ELECTIVE', 2],
    ['GD_THE_CHAT', 'Giáo dục thể chất', 'COMMENT', 70, 'COMPULSORY', 2],
    ['HD_TRAI_NGHIEM_HUONG_NGHIEP', 'Hoạt động trải nghiệm, hướng nghiệp', 'COMMENT', 105, 'COMPULSORY', 2],
    ['GD_DIA_PHUONG', 'Nội dung giáo dục của địa phương', 'COMMENT', 35, 'COMPULSORY', 2],
    ['NGOAI_NGU_2', 'Ngoại ngữ 2', 'SCORE', 105, 'OPTIONAL', 4],
    ['TIENG_DAN_TOC', 'Tiếng dân tộc thiểu số', 'SCORE', 105, 'OPTIONAL', 4],
  ] as const)(
    '%s: %s, %s, %p periods, %s, %p regular per term',
    (code, name, kind, periods, group, regular) => {
      const s = subjectByCode(code);
      expect(s).toEqual({ code, name, kind, periodsPerYear: periods, group });
      expect(regularAssessmentCount(periods, kind)).toBe(regular);
    },
  );

  it('knows its codes', () => {
    expect(isSubjectCode('TOAN')).toBe(true);
    expect(isSubjectCode('toan')).toBe(false);
    expect(subjectByCode('GDCD')).toBeUndefined();
  });

  it('is frozen', () => {
    expect(Object.isFrozen(SUBJECTS)).toBe(true);
    expect(Object.isFrozen(SUBJECTS[0])).toBe(true);
  });
});
