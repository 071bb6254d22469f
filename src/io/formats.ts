/** What a text input file may be: its encodings and field delimiters (the mapping names them, src/io/source.ts reads them). */

/** Text encodings an input CSV may have. */
export type Encoding = 'utf-8' | 'windows-1251';

/** Field delimiters; `auto` picks the one that splits the header line. */
export type Delimiter = ',' | ';' | '\t' | '|' | 'auto';
