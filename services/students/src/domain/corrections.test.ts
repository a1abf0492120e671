import { parsePersonalCorrection } from './corrections';

describe('which personal-data corrections the students service applies', () => {
  it('turns every correctable field into the update it asks for, in the order asked', () => {
    const parsed = parsePersonalCorrection([
      { field: 'personal.address', value: 'Số 3, phố Huế, Hà Nội' },
      { field: 'personal.fullName', value: 'Lê Thị Mai' },
      { field: 'personal.dateOfBirth', value: '2009-01-02' },
      { field: 'personal.gender', value: 'MALE' },
      { field: 'personal.placeOfBirth', value: 'Huế' },
      { field: 'personal.ethnicity', value: 'Tày' },
      { field: 'personal.policyCategory', value: null },
    ]);
    expect(parsed).toEqual({
      ok: true,
      patch: {
        address: 'Số 3, phố Huế, Hà Nội',
        fullName: 'Lê Thị Mai',
        dateOfBirth: '2009-01-02',
        gender: 'MALE',
        placeOfBirth: 'Huế',
        ethnicity: 'Tày',
        policyCategory: null,
      },
      fields: [
        { field: 'personal.address', personal: 'address' },
        { field: 'personal.fullName', personal: 'fullName' },
        { field: 'personal.dateOfBirth', personal: 'dateOfBirth' },
        { field: 'personal.gender', personal: 'gender' },
        { field: 'personal.placeOfBirth', personal: 'placeOfBirth' },
        { field: 'personal.ethnicity', personal: 'ethnicity' },
        { field: 'personal.policyCategory', personal: 'policyCategory' },
      ],
    });
  });

  it('a policy category may be set as well as cleared', () => {
    expect(
      parsePersonalCorrection([{ field: 'personal.policyCategory', value: 'Con thương binh' }]),
    ).toMatchObject({ ok: true, patch: { policyCategory: 'Con thương binh' } });
  });

  it('refuses unknown fields, a field twice, a number, and clearing a required field, naming each', () => {
    const parsed = parsePersonalCorrection([
      { field: 'personal.personalId', value: '001209000001' },
      { field: 'personal.guardians', value: 'x' },
      { field: 'conduct.term1', value: 'TOT' },
      { field: 'personal.address', value: 'Số 3, phố Huế' },
      { field: 'personal.address', value: 'Số 4, phố Huế' },
      { field: 'personal.ethnicity', value: 7 },
      { field: 'personal.fullName', value: null },
    ]);
    expect(parsed.ok).toBe(false);
    const details = parsed.ok ? [] : parsed.details;
    expect(details.map((d) => d.split(':')[0])).toEqual([
      'personal.personalId',
      'personal.guardians',
      'conduct.term1',
      'personal.address',
      'personal.ethnicity',
      'personal.fullName',
    ]);
    expect(details[0]).toMatch(/không phải trường sơ yếu lý lịch có thể sửa/);
    expect(details[3]).toMatch(/hai lần/);
    expect(details[4]).toMatch(/chuỗi ký tự/);
    expect(details[5]).toMatch(/không thể để trống/);
  });
});
