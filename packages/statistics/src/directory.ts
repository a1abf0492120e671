/** A school as the statistics see it: where it is, never who is in it. */
export interface SchoolPlace {
  schoolId: string;
  code: string;
  name: string;
  /** Mã tỉnh (e.g. 79); null for a school registered without its place. */
  provinceCode: string | null;
  /** Mã quận/huyện (e.g. 760). */
  districtCode: string | null;
}

export const districtLabel = (code: string) => `Quận/huyện ${code}`;
export const provinceLabel = (code: string) => `Tỉnh/thành phố ${code}`;
