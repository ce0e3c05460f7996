/** The part of n3 (which ships no types) the ELM tests use: parsing Turtle and N-Quads. */
declare module 'n3' {
  import type { Quad } from '@rdfjs/types';

  export class Parser {
    constructor(options?: { format?: string; baseIRI?: string });
    parse(input: string): Quad[];
  }
}
