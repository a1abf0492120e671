import { FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES, PersonGenerator, seededRandom } from './name-generator';

describe('demo person generator', () => {
  const sample = (seed: string) => {
    const generator = new PersonGenerator(seed);
    return Array.from({ length: 50 }, () => {
      const gender = generator.gender();
      return {
        gender,
        name: generator.fullName(gender),
        born: generator.dateIn(2010),
        phone: generator.mobilePhone(),
      };
    });
  };

  it('gives the same people for the same seed, and others for another seed', () => {
    expect(sample('school-1/2025-2026')).toEqual(sample('school-1/2025-2026'));
    expect(sample('school-1/2025-2026')).not.toEqual(sample('school-2/2025-2026'));
  });

  it('draws numbers in [0, 1)', () => {
    const random = seededRandom('x');
    for (let i = 0; i < 1000; i++) {
      const value = random();
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('makes Vietnamese names from the lists, middle and given names fitting the gender, NFC', () => {
    for (const { gender, name } of sample('names')) {
      const [family, middle, given] = name.split(' ');
      expect(FAMILY_NAMES).toContain(family);
      expect(MIDDLE_NAMES[gender]).toContain(middle);
      expect(GIVEN_NAMES[gender]).toContain(given);
      expect(name).toBe(name.normalize('NFC'));
    }
  });

  it('makes real dates in the year and 10-digit mobile numbers', () => {
    for (const { born, phone } of sample('dates')) {
      expect(born).toMatch(/^2010-\d{2}-\d{2}$/);
      expect(phone).toMatch(/^0[3789]\d{8}$/);
    }
  });

  it('favours Nguyễn, as the population does', () => {
    const generator = new PersonGenerator('families');
    const names = Array.from({ length: 1000 }, () => generator.familyName());
    const nguyen = names.filter((n) => n === 'Nguyễn').length;
    expect(nguyen).toBeGreaterThan(250);
    expect(nguyen).toBeLessThan(500);
    expect(new Set(names).size).toBeGreaterThan(10);
  });
});
