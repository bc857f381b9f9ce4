import { config } from 'zod';

// The CSP forbids building functions from strings. zod decides whether to compile an object
// schema's fast path when the schema is created, probing with `new Function` unless told not
// to: this module is main.tsx's first import, so it runs before any schema is created.
config({ jitless: true });
