// Imported first by main.ts: zod compiles validators with `new Function` unless told not to, and even probing for
// it breaks the panel's CSP (no eval). Schemas are built when src/protocol is imported, so this must run before.
import { z } from 'zod';

z.config({ jitless: true });
