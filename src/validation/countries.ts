import countryList from 'country-list';

/** Country codes accepted under `jurisdiction: ru`: ISO 3166-1 alpha-2, `EU` and `00` (unknown). */
export const COUNTRY_CODES: readonly string[] = [...countryList.getCodes(), 'EU', '00'].sort();

/** Whether a code is accepted as a country under `jurisdiction: ru`. */
export function isCountryCode(code: string): boolean {
  return COUNTRY_SET.has(code);
}

const COUNTRY_SET = new Set(COUNTRY_CODES);
