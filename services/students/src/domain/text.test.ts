import { compareVietnameseNames, givenNameOf, isPlausibleFullName, normalizeText } from './text';

describe('Vietnamese text', () => {
  it('stores names NFC-normalised, whatever form they were typed in', () => {
    const decomposed = 'Nguye\u0302\u0303n Thi\u0323 Hoa\u0300i'; // NFD: base letters + combining marks
    expect(decomposed).not.toBe('Nguyễn Thị Hoài');
    const stored = normalizeText(decomposed);
    expect(stored).toBe('Nguyễn Thị Hoài');
    expect(stored).toBe(stored.normalize('NFC'));
    expect(stored.length).toBe('Nguyễn Thị Hoài'.length);
  });

  it('trims and collapses whitespace', () => {
    expect(normalizeText('  Lê \t Văn   Tám \n')).toBe('Lê Văn Tám');
  });

  it('accepts real names and refuses digits, symbols or a single letter', () => {
    expect(isPlausibleFullName('Nguyễn Thị Minh Khai')).toBe(true);
    expect(isPlausibleFullName("H'Hen Niê")).toBe(true);
    expect(isPlausibleFullName('Đặng Thị Ngọc-Ánh')).toBe(true);
    expect(isPlausibleFullName('Nguyễn Văn 2')).toBe(false);
    expect(isPlausibleFullName('A')).toBe(false);
    expect(isPlausibleFullName('Lê <script>')).toBe(false);
  });

  it('orders a class list by given name, then by the full name', () => {
    const names = [
      'Trần Văn Bình',
      'Lê Thị An',
      'Nguyễn Văn An',
      'Đỗ Thị Ánh',
      'Phạm Minh Đức',
      'Vũ Thị Dung',
    ];
    expect([...names].sort(compareVietnameseNames)).toEqual([
      'Lê Thị An',
      'Nguyễn Văn An',
      'Đỗ Thị Ánh',
      'Trần Văn Bình',
      'Vũ Thị Dung',
      'Phạm Minh Đức',
    ]);
    expect(givenNameOf('Hoàng Thị Thu Hà')).toBe('Hà');
  });
});
